#include "actors/scraper.hpp"

#include <catch2/catch.hpp>

using namespace vigil;
using namespace std::chrono_literals;

TEST_CASE("scrape offsets spread a node's targets over the interval", "[scraper]") {
  std::vector<int> per_tenth(10);
  for (int i = 0; i < 1000; ++i) {
    scrape::target t;
    t.url = "http://10.0.0." + std::to_string(i % 250) + ":" + std::to_string(9100 + i / 250) +
            "/metrics";
    t.target_labels = *labels::from({{"job", "node"}, {"instance", t.url}});
    t.interval = 15s;
    auto offset = actors::scrape_offset(t);
    REQUIRE(offset >= 0ms);
    REQUIRE(offset < 15s);
    ++per_tenth[size_t(offset / 1500ms)];
    CHECK(actors::scrape_offset(t) == offset);  // stable: a restart keeps the rhythm
  }
  for (int n : per_tenth) CHECK((n > 50 && n < 150));
}
