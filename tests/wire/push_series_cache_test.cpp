#include "runtime/wire/push_series_cache.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "runtime/wire/push_decoder.hpp"
#include "tests/wire/push_bytes.hpp"

using namespace vigil;
using namespace vigil::wire::push;

namespace {

std::string key(std::string_view name) {
  std::string k;
  series_cache::append_key(k, "__name__");
  series_cache::append_key(k, name);
  return k;
}

write_msg decoded(const std::string& bytes, series_cache& cache) {
  auto m = read_client_message(bytes, cache);
  if (auto* r = std::get_if<rejection>(&m)) FAIL(r->reply.message);
  return std::get<write_msg>(m);
}

std::string two_labels(std::string_view first, std::string_view second) {
  return mp::array(3) + mp::map(2) + mp::str(first) + mp::str("a") + mp::str(second) +
         mp::str("b") + mp::array(1) + mp::sint(5) + mp::array(1) + mp::real(2);
}

}  // namespace

TEST_CASE("keys are length-prefixed so that different label maps never collide",
          "[push_series_cache]") {
  std::string ab, a_b;
  series_cache::append_key(ab, "ab");
  series_cache::append_key(ab, "");
  series_cache::append_key(a_b, "a");
  series_cache::append_key(a_b, "b");
  CHECK(ab != a_b);
  CHECK(ab == std::string("\0\0\0\2ab\0\0\0\0", 10));
}

TEST_CASE("the cache keeps recently used series within its capacity", "[push_series_cache]") {
  series_cache cache{4};
  for (uint32_t i = 0; i < 4; ++i) cache.insert(key("m" + std::to_string(i)), {i, 100 + i});
  CHECK(cache.size() == 4);
  // m0 is used again: it survives the next generation change, m1 does not.
  CHECK(cache.find(key("m0")) == series_cache::entry{0, 100});
  cache.insert(key("m4"), {4, 104});
  cache.insert(key("m5"), {5, 105});
  CHECK(cache.size() <= 4);
  CHECK(cache.find(key("m0")));
  CHECK(cache.find(key("m5")) == series_cache::entry{5, 105});
  CHECK_FALSE(cache.find(key("m1")));
  CHECK_FALSE(cache.find(key("absent")));
}

TEST_CASE("forgetting stale refs drops exactly their entries", "[push_series_cache]") {
  series_cache cache{100};
  for (uint32_t i = 0; i < 10; ++i) cache.insert(key("m" + std::to_string(i)), {i, 7});
  const series_cache::entry stale[] = {{3, 7}, {5, 7}, {6, 99}};
  cache.forget(stale);
  CHECK(cache.size() == 8);
  CHECK_FALSE(cache.find(key("m3")));
  CHECK_FALSE(cache.find(key("m5")));
  CHECK(cache.find(key("m6")));  // same ref, other label hash: not the stale series
}

TEST_CASE("a cache of capacity 0 keeps nothing", "[push_series_cache]") {
  series_cache cache{0};
  cache.insert(key("up"), {1, 2});
  CHECK(cache.size() == 0);
  CHECK_FALSE(cache.find(key("up")));
}

TEST_CASE("decoding with a cache writes known series by ref and lists the others",
          "[push_series_cache][push_decoder]") {
  series_cache cache;
  const auto bytes = mp::write(
      3, {mp::simple_series("up"), two_labels("job", "__name__"), mp::simple_series("bad-name")});
  auto first = decoded(bytes, cache);
  REQUIRE(first.series.size() == 2);  // series 2 has an invalid metric name
  REQUIRE(first.uncached.size() == 2);
  CHECK(first.uncached[1].index == 1);
  CHECK(first.uncached[1].label_hash == first.series[1].ls.hash());
  CHECK(first.issues.size() == 1);

  cache.insert(first.uncached[1].key, {42, first.uncached[1].label_hash});
  auto second = decoded(bytes, cache);
  REQUIRE(second.series.size() == 2);
  CHECK(second.series[0].ref == series_write::no_ref);
  CHECK(second.series[1].ref == 42);
  CHECK(second.series[1].label_hash == first.series[1].ls.hash());
  CHECK(second.series[1].ls.empty());
  CHECK(second.series[1].samples == first.series[1].samples);
  CHECK(second.positions == first.positions);
  REQUIRE(second.uncached.size() == 1);
  CHECK(second.uncached[0].index == 0);

  // The same labels in another order are another key: decoded by labels.
  auto swapped = decoded(mp::write(4, {two_labels("__name__", "job")}), cache);
  CHECK(swapped.series[0].ref == series_write::no_ref);
}

TEST_CASE("a known label map still has its samples checked", "[push_series_cache][push_decoder]") {
  series_cache cache;
  auto first = decoded(mp::write(1, {mp::simple_series("up")}), cache);
  cache.insert(first.uncached[0].key, {1, first.uncached[0].label_hash});
  const std::string short_values = mp::array(3) + mp::map(1) + mp::str("__name__") + mp::str("up") +
                                   mp::array(1) + mp::sint(1) + mp::array(0);
  auto m = read_client_message(mp::write(2, {short_values}), cache);
  REQUIRE(std::holds_alternative<rejection>(m));
  CHECK(std::get<rejection>(m).reply.message ==
        "write 2: series 0: timestamps has 1 entries, values 0");
}

TEST_CASE("an ack maps storage issues to client indices and merges the decoder's",
          "[push_decoder]") {
  write_msg w;
  w.seq = 9;
  w.positions = {0, 2, 3};
  w.issues = {{1, "invalid_labels", "labels: missing __name__"}};
  auto ack =
      make_ack(std::move(w), 5, {{2, "out_of_order", "older"}, {0, "duplicate", "other value"}});
  CHECK(ack.seq == 9);
  CHECK(ack.accepted == 5);
  REQUIRE(ack.issues.size() == 3);
  CHECK(ack.issues[0].series_index == 0);
  CHECK(ack.issues[0].code == "duplicate");
  CHECK(ack.issues[1].series_index == 1);
  CHECK(ack.issues[2].series_index == 3);
  CHECK(ack.issues[2].code == "out_of_order");
}
