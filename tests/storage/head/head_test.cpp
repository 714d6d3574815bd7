#include "storage/head/head.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace vigil;
using namespace vigil::head;
using namespace std::chrono_literals;

namespace {

labels series(const char* name, const char* job = "api", const char* instance = "a") {
  return *labels::from({{"__name__", name}, {"job", job}, {"instance", instance}});
}

bool stored(append_outcome o) {
  return o.stored;
}

std::vector<sample> read_all(const class head& h, series_ref ref) {
  std::vector<sample> out;
  h.read(ref, INT64_MIN, INT64_MAX, out);
  return out;
}

}  // namespace

TEST_CASE("series are created once and found by their labels", "[head]") {
  class head h;
  auto a = h.get_or_create(series("up"));
  auto b = h.get_or_create(series("up", "db"));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a != *b);
  CHECK(*h.get_or_create(series("up")) == *a);
  CHECK(h.find(series("up", "db")) == *b);
  CHECK_FALSE(h.find(series("down")));
  CHECK(h.labels_of(*b) == series("up", "db"));
  std::vector<index::matcher> ms{*index::matcher::make(index::match_op::equal, "job", "db")};
  CHECK(h.select(ms) == index::postings{*b});
  CHECK(h.stats().series == 2);
}

TEST_CASE("samples read back in order, including special values", "[head]") {
  class head h;
  auto ref = *h.get_or_create(series("x"));
  std::vector<sample> in{
      {1000, 1.5}, {2000, NAN}, {3000, -0.0}, {4000, INFINITY}, {5000, stale_marker()}};
  for (auto s : in) CHECK(stored(h.append(ref, s.t, s.v)));
  CHECK(read_all(h, ref) == in);
  std::vector<sample> window;
  h.read(ref, 2000, 4000, window);
  CHECK(window == std::vector<sample>(in.begin() + 1, in.begin() + 4));
}

TEST_CASE("out-of-order and conflicting samples are rejected and counted", "[head]") {
  class head h;
  auto ref = *h.get_or_create(series("x"));
  CHECK(stored(h.append(ref, 2000, 1)));
  CHECK(h.append(ref, 1000, 1).reject == reject_reason::out_of_order);
  CHECK(h.append(ref, 2000, 2).reject == reject_reason::duplicate);
  CHECK(stored(h.append(ref, 3000, 1)));
  auto older_retry = h.append(ref, 2000, 1);  // still in the open chunk: ignored too
  CHECK_FALSE(older_retry.stored);
  CHECK_FALSE(older_retry.reject);
  auto retry = h.append(ref, 2000, 1);  // an identical retry is ignored
  CHECK_FALSE(retry.stored);
  CHECK_FALSE(retry.reject);
  CHECK(h.stats().rejected[0] == 1);
  CHECK(h.stats().rejected[1] == 1);
  CHECK(read_all(h, ref) == std::vector<sample>{{2000, 1}, {3000, 1}});
}

TEST_CASE("an out-of-order window keeps older samples and merges them on read", "[head]") {
  class head h {
    {
      .out_of_order_window = 10s
    }
  };
  auto ref = *h.get_or_create(series("x"));
  CHECK(stored(h.append(ref, 20000, 2)));
  CHECK(stored(h.append(ref, 15000, 1)));
  CHECK(h.append(ref, 5000, 0).reject == reject_reason::out_of_order);
  CHECK(stored(h.append(ref, 25000, 3)));
  CHECK(read_all(h, ref) == std::vector<sample>{{15000, 1}, {20000, 2}, {25000, 3}});
  auto chunks = h.cut_all();
  CHECK(chunks.size() == 2);
}

TEST_CASE("chunks are cut by sample count and by time span", "[head]") {
  class head h {
    {
      .chunk_samples = 4, .chunk_span = 1h
    }
  };
  auto ref = *h.get_or_create(series("x"));
  for (int i = 0; i < 10; ++i) CHECK(stored(h.append(ref, i * 1000, i)));
  auto cut = h.take_cut_chunks();
  REQUIRE(cut.size() == 2);
  CHECK(cut[0].min_t == 0);
  CHECK(cut[0].max_t == 3000);
  CHECK(cut[0].samples == 4);
  CHECK(cut[1].min_t == 4000);
  // The head no longer serves taken chunks; the open one it does.
  CHECK(read_all(h, ref) == std::vector<sample>{{8000, 8}, {9000, 9}});
  CHECK(stored(h.append(ref, 9000 + 3600 * 1000, 1)));  // spans an hour: cut
  CHECK(h.take_cut_chunks().size() == 1);
  auto rest = h.cut_all();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].samples == 1);
  xor_iterator it{rest[0].bytes};
  REQUIRE(it.next());
  CHECK(it.at() == sample{9000 + 3600 * 1000, 1});
}

TEST_CASE("cut chunks are taken in slices, oldest first, and read until taken", "[head]") {
  class head h {
    {
      .chunk_samples = 2, .chunk_span = 1h
    }
  };
  auto a = *h.get_or_create(series("a"));
  auto b = *h.get_or_create(series("b"));
  for (int i = 0; i < 5; ++i) {
    REQUIRE(stored(h.append(a, i * 1000, i)));
    REQUIRE(stored(h.append(b, i * 1000, -i)));
  }
  // Cut in the order a, b, a, b; one sample of each is still open.
  CHECK(h.cut_waiting() == 4);
  auto first = h.take_cut_chunks(3);
  REQUIRE(first.size() == 3);
  CHECK(first[0].ref == a);
  CHECK(first[0].min_t == 0);
  CHECK(first[1].ref == b);
  CHECK(first[2].ref == a);
  CHECK(first[2].min_t == 2000);
  CHECK(h.cut_waiting() == 1);
  // b's second chunk waits and is still read; a's taken ones are not.
  CHECK(read_all(h, b) == std::vector<sample>{{2000, -2}, {3000, -3}, {4000, -4}});
  CHECK(read_all(h, a) == std::vector<sample>{{4000, 4}});
  CHECK(h.with_samples_in(2000, 3000) == index::postings{b});
  CHECK(h.oldest_in_memory() == 2000);
  auto rest = h.take_cut_chunks();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].ref == b);
  CHECK(rest[0].min_t == 2000);
  CHECK(h.cut_waiting() == 0);
}

TEST_CASE("series limits refuse new series with an error naming the limit", "[head]") {
  class head h {
    {
      .max_series = 3, .max_series_per_tenant = 2
    }
  };
  REQUIRE(h.get_or_create(series("a", "api")));
  REQUIRE(h.get_or_create(series("b", "api")));
  auto refused = h.get_or_create(series("c", "api"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error_value().code == errc::limit_exceeded);
  CHECK_THAT(refused.error_value().message, Catch::Contains("per job reached for job=\"api\""));
  REQUIRE(h.get_or_create(series("c", "db")));
  auto global = h.get_or_create(series("d", "web"));
  REQUIRE_FALSE(global);
  CHECK_THAT(global.error_value().message, Catch::StartsWith("series limit of 3 reached"));
  CHECK(h.get_or_create(series("a", "api")));  // existing series still resolve
  CHECK(h.stats().series_refused == 2);
}

TEST_CASE("restored series keep their refs", "[head]") {
  class head h;
  h.restore(7, series("x"));
  CHECK(h.find(series("x")) == 7u);
  auto next = h.get_or_create(series("y"));
  CHECK(*next == 8u);
}
