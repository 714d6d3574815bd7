#include "scrape/target.hpp"

#include <catch2/catch.hpp>

#include "tests/scrape/rule_builder.hpp"

// Cases marked "Prometheus" follow Prometheus 2.42's TestPopulateLabels
// (scrape/manager_test.go), without its default port.

using namespace std::chrono_literals;
using namespace vigil;
using namespace vigil::scrape;
using test::re;
using test::rule;

namespace {

labels ls(std::vector<label> pairs) {
  auto out = labels::from(std::move(pairs));
  REQUIRE(out);
  return *out;
}

job test_job() {
  job j;
  j.name = "job";
  j.scheme = "https";
  j.scrape_interval = 1s;
  j.scrape_timeout = 1s;
  return j;
}

target_group group(std::vector<std::string> targets, std::vector<label> labels = {}) {
  return target_group{std::move(targets), std::move(labels), "targets.json"};
}

target_set build(const job& j, std::vector<target_group> groups) {
  return build_targets(j, groups);
}

// The single active target of a one-address job.
target only_target(const job& j, target_group g) {
  auto set = build(j, {std::move(g)});
  INFO((set.errors.empty() ? std::string{} : set.errors.front()));
  REQUIRE(set.errors.empty());
  REQUIRE(set.dropped.empty());
  REQUIRE(set.active.size() == 1);
  return set.active.front();
}

// The single error line of a one-address job.
std::string only_error(const job& j, target_group g) {
  auto set = build(j, {std::move(g)});
  CHECK(set.active.empty());
  CHECK(set.dropped.empty());
  REQUIRE(set.errors.size() == 1);
  return set.errors.front();
}

}  // namespace

TEST_CASE("a target gets the job's defaults and its address as instance", "[target]") {
  // Prometheus: regular population of scrape config options.
  auto t = only_target(test_job(), group({"1.2.3.4:1000"}, {{"custom", "value"}}));
  CHECK(t.target_labels == ls({{"instance", "1.2.3.4:1000"}, {"job", "job"}, {"custom", "value"}}));
  CHECK(t.discovered_labels == ls({{"__address__", "1.2.3.4:1000"},
                                   {"__scheme__", "https"},
                                   {"__metrics_path__", "/metrics"},
                                   {"__scrape_interval__", "1s"},
                                   {"__scrape_timeout__", "1s"},
                                   {"job", "job"},
                                   {"custom", "value"}}));
  CHECK(t.url == "https://1.2.3.4:1000/metrics");
  CHECK(t.interval == 1s);
  CHECK(t.timeout == 1s);
}

TEST_CASE("no default port is added to an address without one", "[target]") {
  auto t = only_target(test_job(), group({"1.2.3.4"}));
  CHECK(t.target_labels.get("instance") == "1.2.3.4");
  CHECK(t.url == "https://1.2.3.4/metrics");
}

TEST_CASE("interval and timeout labels use Prometheus's duration format", "[target]") {
  auto j = test_job();
  j.scrape_interval = 90s;
  j.scrape_timeout = 1500ms;
  auto t = only_target(j, group({"h:1"}));
  CHECK(t.discovered_labels.get("__scrape_interval__") == "1m30s");
  CHECK(t.discovered_labels.get("__scrape_timeout__") == "1s500ms");
  CHECK(t.interval == 90s);
  CHECK(t.timeout == 1500ms);
}

TEST_CASE("group labels override the job's defaults", "[target]") {
  // Prometheus: pre-define/overwrite scrape config labels.
  auto t = only_target(test_job(), group({"1.2.3.4:80"}, {{"__scheme__", "http"},
                                                          {"__metrics_path__", "/custom"},
                                                          {"job", "custom-job"},
                                                          {"__scrape_interval__", "2s"},
                                                          {"__scrape_timeout__", "2s"}}));
  CHECK(t.target_labels == ls({{"instance", "1.2.3.4:80"}, {"job", "custom-job"}}));
  CHECK(t.url == "http://1.2.3.4:80/custom");
  CHECK(t.interval == 2s);
  CHECK(t.timeout == 2s);
}

TEST_CASE("an instance label from the group is kept", "[target]") {
  auto t = only_target(test_job(), group({"[::1]:9100"}, {{"instance", "custom-instance"}}));
  CHECK(t.target_labels.get("instance") == "custom-instance");
  CHECK(t.url == "https://[::1]:9100/metrics");
}

TEST_CASE("the target's address wins over a group's __address__ label", "[target]") {
  auto t = only_target(test_job(), group({"a:1"}, {{"__address__", "b:2"}}));
  CHECK(t.target_labels.get("instance") == "a:1");
}

TEST_CASE("relabelling can set the address, scheme, path and params", "[target]") {
  auto j = test_job();
  j.params = {{"module", "http_2xx"}};
  j.relabel_configs = {
      rule().source_labels({"__address__"}).target_label("__param_target"),
      rule().source_labels({"__param_target"}).target_label("instance"),
      rule().target_label("__address__").replacement("exporter:9115"),
      rule().target_label("__metrics_path__").replacement("/probe"),
      rule().target_label("__scheme__").replacement("http"),
  };
  auto t = only_target(j, group({"example.com"}));
  CHECK(t.target_labels == ls({{"instance", "example.com"}, {"job", "job"}}));
  CHECK(t.url == "http://exporter:9115/probe?module=http_2xx&target=example.com");
  CHECK(t.discovered_labels.get("__param_module") == "http_2xx");
  CHECK(t.discovered_labels.get("__address__") == "example.com");
}

TEST_CASE("an address added by relabelling makes a target", "[target]") {
  // Prometheus: address label missing, but added in relabelling.
  auto j = test_job();
  j.relabel_configs = {rule().source_labels({"custom"}).target_label("__address__")};
  auto t = only_target(j, group({""}, {{"custom", "host:1234"}}));
  CHECK(t.target_labels ==
        ls({{"instance", "host:1234"}, {"job", "job"}, {"custom", "host:1234"}}));
  CHECK(t.discovered_labels.get("__address__").empty());
}

TEST_CASE("a __param_ label replaces the first value of that param only", "[target]") {
  auto j = test_job();
  j.params = {{"x", "1"}, {"x", "2"}, {"a b", "c&d"}};
  SECTION("job values are URL-encoded and sorted by name") {
    auto t = only_target(j, group({"h:1"}));
    CHECK(t.discovered_labels.get("__param_x") == "1");
    // "a b" cannot be in a label name, so it has no __param_ label.
    CHECK(t.discovered_labels.size() == 7);  // five defaults, job, __param_x
    CHECK(t.url == "https://h:1/metrics?a+b=c%26d&x=1&x=2");
  }
  SECTION("relabelling overrides the first value") {
    j.relabel_configs = {rule().target_label("__param_x").replacement("9")};
    CHECK(only_target(j, group({"h:1"})).url == "https://h:1/metrics?a+b=c%26d&x=9&x=2");
  }
  SECTION("deleting the label keeps the job's values") {
    j.relabel_configs = {rule().regex(re("__param_x")).action(relabel_action::labeldrop)};
    CHECK(only_target(j, group({"h:1"})).url == "https://h:1/metrics?a+b=c%26d&x=1&x=2");
  }
  SECTION("a group's __param_ label adds a param") {
    CHECK(only_target(j, group({"h:1"}, {{"__param_y", "z"}})).url ==
          "https://h:1/metrics?a+b=c%26d&x=1&x=2&y=z");
  }
}

TEST_CASE("the job's params override a group's __param_ label", "[target]") {
  auto j = test_job();
  j.params = {{"x", "job"}};
  auto t = only_target(j, group({"h:1"}, {{"__param_x", "group"}}));
  CHECK(t.discovered_labels.get("__param_x") == "job");
  CHECK(t.url == "https://h:1/metrics?x=job");
}

TEST_CASE("the metrics path is escaped and gets a leading slash", "[target]") {
  auto t = only_target(test_job(), group({"h:1"}, {{"__metrics_path__", "a b/c?d"}}));
  CHECK(t.url == "https://h:1/a%20b/c%3Fd");
}

TEST_CASE("reserved labels are not target labels", "[target]") {
  auto t = only_target(
      test_job(), group({"h:1"}, {{"__meta_sd_zone", "eu"}, {"__tmp_x", "1"}, {"zone", "eu"}}));
  CHECK(t.target_labels == ls({{"instance", "h:1"}, {"job", "job"}, {"zone", "eu"}}));
  CHECK(t.discovered_labels.get("__meta_sd_zone") == "eu");
}

TEST_CASE("targets dropped by relabelling are listed with their discovered labels", "[target]") {
  auto j = test_job();
  j.relabel_configs = {
      rule().source_labels({"env"}).regex(re("prod")).action(relabel_action::keep)};
  auto set = build(j, {group({"a:1"}, {{"env", "prod"}}), group({"b:1"}, {{"env", "dev"}})});
  REQUIRE(set.active.size() == 1);
  CHECK(set.active[0].target_labels.get("instance") == "a:1");
  REQUIRE(set.dropped.size() == 1);
  CHECK(set.dropped[0].discovered_labels.get("__address__") == "b:1");
  CHECK(set.dropped[0].discovered_labels.get("__scheme__") == "https");
  CHECK(set.errors.empty());
}

TEST_CASE("targets with the same final labels are deduplicated, the first kept", "[target]") {
  auto j = test_job();
  j.relabel_configs = {rule().target_label("instance").replacement("same")};
  auto set = build(j, {group({"a:1", "b:1"}), group({"a:1"})});
  REQUIRE(set.active.size() == 1);
  CHECK(set.active[0].url == "https://a:1/metrics");
  CHECK(set.errors.empty());
}

TEST_CASE("a missing address is an error naming the source and the address", "[target]") {
  // Prometheus: address label missing.
  CHECK(only_error(test_job(), group({""}, {{"custom", "value"}})) ==
        "targets.json: \"\": no address");
  auto j = test_job();
  j.relabel_configs = {rule().regex(re("__address__")).action(relabel_action::labeldrop)};
  CHECK(only_error(j, group({"a b"})) == "targets.json: \"a b\": no address");
}

TEST_CASE("an address with a slash is not a valid hostname", "[target]") {
  CHECK(only_error(test_job(), group({"http://h:1"})) ==
        "targets.json: \"http://h:1\": \"http://h:1\" is not a valid hostname");
}

TEST_CASE("unparsable or zero interval and timeout labels are errors", "[target]") {
  // Prometheus: invalid durations, zero durations.
  CHECK_THAT(only_error(test_job(), group({"h:1"}, {{"__scrape_interval__", "2notseconds"}})),
             Catch::StartsWith("targets.json: \"h:1\": error parsing scrape interval: ") &&
                 Catch::Contains("2notseconds"));
  CHECK_THAT(only_error(test_job(), group({"h:1"}, {{"__scrape_timeout__", "2notseconds"}})),
             Catch::StartsWith("targets.json: \"h:1\": error parsing scrape timeout: "));
  CHECK(only_error(test_job(), group({"h:1"}, {{"__scrape_interval__", "0s"}})) ==
        "targets.json: \"h:1\": scrape interval cannot be 0");
  CHECK(only_error(test_job(), group({"h:1"}, {{"__scrape_timeout__", "0s"}})) ==
        "targets.json: \"h:1\": scrape timeout cannot be 0");
}

TEST_CASE("a timeout longer than the interval is an error", "[target]") {
  // Prometheus: timeout less than interval.
  CHECK(only_error(test_job(),
                   group({"h:1"}, {{"__scrape_interval__", "1s"}, {"__scrape_timeout__", "2s"}})) ==
        "targets.json: \"h:1\": scrape timeout cannot be greater than scrape interval (\"2s\" > "
        "\"1s\")");
}

TEST_CASE("a label value that is not UTF-8 is an error", "[target]") {
  // Prometheus: invalid UTF-8 in label.
  CHECK(only_error(test_job(), group({"1.2.3.4:1000"}, {{"custom", "\xbd"}})) ==
        "targets.json: \"1.2.3.4:1000\": invalid label value for \"custom\": \"\\xbd\"");
}

TEST_CASE("an invalid label name made by relabelling is an error", "[target]") {
  auto j = test_job();
  j.relabel_configs = {rule().regex(re("__meta_(.*)")).action(relabel_action::labelmap)};
  CHECK(only_error(j, group({"h:1"}, {{"__meta_1st", "x"}})) ==
        "targets.json: \"h:1\": invalid label name \"1st\"");
}

TEST_CASE("one bad address does not stop the others", "[target]") {
  auto set = build(test_job(), {group({"a/b", "ok:1"}), group({"also:2"})});
  CHECK(set.errors.size() == 1);
  REQUIRE(set.active.size() == 2);
  CHECK(set.active[0].target_labels.get("instance") == "ok:1");
  CHECK(set.active[1].target_labels.get("instance") == "also:2");
}

TEST_CASE("a job without groups has no targets", "[target]") {
  auto set = build(test_job(), {});
  CHECK(set.active.empty());
  CHECK(set.dropped.empty());
  CHECK(set.errors.empty());
}
