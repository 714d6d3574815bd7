// The per-connection series cache seen from storage: repeated label sets
// arrive by ref, and refs storage forgot are resent by labels within the
// same write (write_job.hpp).

#include "runtime/push/write_job.hpp"

#include <catch2/catch.hpp>

#include "tests/runtime/push/push_fixture.hpp"

using namespace vigil;
using namespace vigil::push::test;

namespace {

std::size_t by_ref(const std::vector<series_write>& batch) {
  std::size_t n = 0;
  for (const auto& w : batch) n += w.ref != series_write::no_ref;
  return n;
}

}  // namespace

TEST_CASE("repeated label sets reach storage by ref", "[write_job]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c);
  const std::vector<series_write> batch{series("a"), series("b"), series("c")};
  for (int round = 0; round < 3; ++round) {
    REQUIRE(c->write(batch));
    CHECK(ack_of(c->next_answer()).accepted == 3);
  }
  auto seen = f.storage.batches();
  REQUIRE(seen.size() == 3);
  CHECK(by_ref(seen[0]) == 0);
  CHECK(by_ref(seen[1]) == 3);
  CHECK(by_ref(seen[2]) == 3);
  CHECK(seen[1][0].ls.empty());
  CHECK(seen[1][0].label_hash == batch[0].ls.hash());
}

TEST_CASE("a ref storage forgot is resent by labels within the same write", "[write_job]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c);
  REQUIRE(c->write(std::vector{series("a"), series("b")}));
  CHECK(ack_of(c->next_answer()).accepted == 2);
  f.storage.forget_refs();
  REQUIRE(c->write(std::vector{series("a", 2), series("new"), series("b", 3)}));
  auto ack = ack_of(c->next_answer());
  CHECK(ack.accepted == 6);
  CHECK(ack.issues.empty());
  auto seen = f.storage.batches();
  REQUIRE(seen.size() == 3);
  CHECK(by_ref(seen[1]) == 2);
  REQUIRE(seen[2].size() == 2);  // the resend: a and b, by labels
  CHECK(by_ref(seen[2]) == 0);
  CHECK(seen[2][0].ls == series("a").ls);
  CHECK(seen[2][1].samples.size() == 3);
  CHECK(f.registry.render().find("vigil_push_series_resent_total 2") != std::string::npos);
  // The fresh refs are cached again.
  REQUIRE(c->write(std::vector{series("a"), series("b")}));
  CHECK(ack_of(c->next_answer()).accepted == 2);
  CHECK(by_ref(f.storage.batches().back()) == 2);
}

TEST_CASE("storage issues come back under the client's indices", "[write_job]") {
  server_fixture f;
  raw_socket raw{f.port};
  raw.handshake();
  series_write unnamed{};
  unnamed.samples = {{1, 1.0}};
  std::string bytes;
  f.storage.forget_refs();
  proto::encode_write(4, std::vector{unnamed, series("a")}, bytes);
  raw.send(bytes);
  auto m = raw.next();
  REQUIRE(m);
  REQUIRE(std::holds_alternative<proto::ack_msg>(*m));
  const auto& ack = std::get<proto::ack_msg>(*m);
  CHECK(ack.accepted == 1);
  REQUIRE(ack.issues.size() == 1);
  CHECK(ack.issues[0].series_index == 0);
  CHECK(ack.issues[0].code == "invalid_labels");
}

TEST_CASE("without a cache every series goes by labels", "[write_job]") {
  auto options = quick_options();
  options.cached_series = 0;
  server_fixture f{options};
  auto c = f.connect();
  REQUIRE(c);
  for (int round = 0; round < 2; ++round) {
    REQUIRE(c->write(std::vector{series("a")}));
    CHECK(ack_of(c->next_answer()).accepted == 1);
  }
  for (const auto& batch : f.storage.batches()) CHECK(by_ref(batch) == 0);
}
