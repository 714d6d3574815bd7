#include "storage/base/metrics.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <thread>

using namespace vigil::metrics;

TEST_CASE("registry renders text format 0.0.4 sorted by name", "[metrics]") {
  registry reg;
  auto& requests = reg.counters("x_requests_total", "Requests by code.", {"code"});
  requests.with({"200"}).inc(3);
  requests.with({"500"}).inc();
  reg.gauges("a_temperature", "Line one\nwith \\ backslash.").with().set(-1.5);
  CHECK(reg.render() ==
        "# HELP a_temperature Line one\\nwith \\\\ backslash.\n"
        "# TYPE a_temperature gauge\n"
        "a_temperature -1.5\n"
        "# HELP x_requests_total Requests by code.\n"
        "# TYPE x_requests_total counter\n"
        "x_requests_total{code=\"200\"} 3\n"
        "x_requests_total{code=\"500\"} 1\n");
}

TEST_CASE("label values are escaped", "[metrics]") {
  registry reg;
  reg.gauges("g", "h", {"path"}).with({"a\"b\\c\nd"}).set(1);
  CHECK(reg.render().find("g{path=\"a\\\"b\\\\c\\nd\"} 1\n") != std::string::npos);
}

TEST_CASE("histograms render cumulative buckets, sum and count", "[metrics]") {
  registry reg;
  auto& h = reg.histograms("lat_seconds", "Latency.", {"handler"}, {0.1, 1}).with({"q"});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(0.5);
  h.observe(7);
  CHECK(reg.render() ==
        "# HELP lat_seconds Latency.\n"
        "# TYPE lat_seconds histogram\n"
        "lat_seconds_bucket{handler=\"q\",le=\"0.1\"} 1\n"
        "lat_seconds_bucket{handler=\"q\",le=\"1\"} 3\n"
        "lat_seconds_bucket{handler=\"q\",le=\"+Inf\"} 4\n"
        "lat_seconds_sum{handler=\"q\"} 8.05\n"
        "lat_seconds_count{handler=\"q\"} 4\n");
}

TEST_CASE("special float values render as Prometheus spells them", "[metrics]") {
  std::string out;
  append_value(out, INFINITY);
  out += ' ';
  append_value(out, -INFINITY);
  out += ' ';
  append_value(out, NAN);
  out += ' ';
  append_value(out, 0.1);
  out += ' ';
  append_value(out, 1e21);
  CHECK(out == "+Inf -Inf NaN 0.1 1e+21");
}

TEST_CASE("a family name registered with another type is refused", "[metrics]") {
  registry reg;
  reg.counters("m_total", "h");
  CHECK_THROWS(reg.gauges("m_total", "h"));
  CHECK_THROWS(reg.counters("c_total", "h", {"a"}).with({"1", "2"}));
}

TEST_CASE("concurrent updates are all counted", "[metrics]") {
  registry reg;
  auto& fam = reg.counters("c_total", "h", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) fam.with({std::to_string(i % 3)}).inc();
    });
  for (auto& t : threads) t.join();
  CHECK(fam.with({"0"}).value() + fam.with({"1"}).value() + fam.with({"2"}).value() == 40000);
}
