// One test per validation rule of config/loader.hpp, through the public API.

#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "tests/config/test_util.hpp"

using namespace std::chrono_literals;
using namespace vigil::config;
using vigil::config::test::problems;
using vigil::config::test::temp_dir;
using vigil::config::test::valid;
using vigil::config::test::yaml;
using lines = std::vector<std::string>;

// --- types and keys ---------------------------------------------------------

TEST_CASE("wrong types say what was expected and what was found", "[config]") {
  CHECK(problems("cluster: {nodes: [{name: a, http_port: abc}]}") ==
        lines{"test.yaml:1:40: cluster.nodes[0].http_port: expected an integer between 1 and "
              "65535, got \"abc\""});
  CHECK(problems("http: {max_connections: [1]}") ==
        lines{"test.yaml:1:25: http.max_connections: expected an integer >= 1, got a list"});
  CHECK(problems("http: []") == lines{"test.yaml:1:7: http: expected a mapping, got a list"});
  CHECK(problems("cluster: {name: {a: b}, nodes: [{name: a}]}") ==
        lines{"test.yaml:1:17: cluster.name: expected a non-empty string, got a mapping"});
  CHECK(problems("global: {scrape_interval: [1s]}") ==
        lines{"test.yaml:1:27: global.scrape_interval: expected a duration like 15s or 1h30m, "
              "got a list"});
}

TEST_CASE("integers must be plain decimals within their range", "[config]") {
  for (const char* port : {"0", "65536", "-1", "+80", "0x50", "80.0", "1e3", "\"\"", "~"}) {
    INFO(port);
    auto found = problems(std::string{"cluster: {nodes: [{name: a, ingest_port: "} + port + "}]}");
    REQUIRE(found.size() == 1);
    CHECK(found[0].find("cluster.nodes[0].ingest_port: expected an integer between 1 and 65535") !=
          std::string::npos);
  }
  CHECK(valid("cluster: {nodes: [{name: a, ingest_port: 65535, actor_port: 1}]}")
            .cluster.nodes[0]
            .ingest_port == 65535);
  CHECK(problems("http: {max_body_bytes: 18446744073709551616}").size() == 1);
  CHECK(valid("http: {max_body_bytes: 18446744073709551615}").http.max_body_bytes ==
        18446744073709551615ull);
}

TEST_CASE("an unknown key lists the keys its mapping accepts", "[config]") {
  CHECK(problems("storage:\n  wal:\n    fsink: always\n") ==
        lines{"test.yaml:3:5: storage.wal.fsink: unknown key \"fsink\" (expected one of: fsync, "
              "fsync_batch)"});
  CHECK(problems("cluster:\n  nodes:\n    - name: a\n      port: 1\n") ==
        lines{"test.yaml:4:7: cluster.nodes[0].port: unknown key \"port\" (expected one of: name, "
              "host, http_port, ingest_port, actor_port, data_dir)"});
}

TEST_CASE("a null value is reported at its key", "[config]") {
  CHECK(problems("cluster:\n  name:\n  nodes: [{name: a}]\n") ==
        lines{"test.yaml:2:3: cluster.name: expected a non-empty string, got nothing"});
}

// --- cluster ----------------------------------------------------------------

TEST_CASE("cluster requires a non-empty list of nodes", "[config]") {
  CHECK(problems("cluster:\n  name: x\n") ==
        lines{"test.yaml:2:3: cluster: missing required field \"nodes\""});
  CHECK(problems("cluster:\n  nodes: []\n") ==
        lines{"test.yaml:2:10: cluster.nodes: expected a non-empty list of nodes"});
  CHECK(problems("cluster:\n  nodes: {a: 1}\n") ==
        lines{"test.yaml:2:10: cluster.nodes: expected a list, got a mapping"});
  CHECK(problems("cluster:\n  nodes: [7]\n") ==
        lines{"test.yaml:2:11: cluster.nodes[0]: expected a mapping, got \"7\""});
}

TEST_CASE("every node needs a name that is a valid identifier", "[config]") {
  CHECK(problems("cluster:\n  nodes:\n    - host: h\n") ==
        lines{"test.yaml:3:7: cluster.nodes[0]: missing required field \"name\""});
  for (const char* name : {"\"a b\"", "\"\"", "a/b", "ä"}) {
    INFO(name);
    auto found = problems(std::string{"cluster: {nodes: [{name: "} + name + "}]}");
    REQUIRE(found.size() == 1);
    CHECK(found[0].find("cluster.nodes[0].name: expected a name of letters, digits, '_', '.' or "
                        "'-', got ") != std::string::npos);
  }
}

TEST_CASE("node names are unique", "[config]") {
  CHECK(problems(yaml(R"(
cluster:
  secret: s
  nodes:
    - {name: a, host: h1}
    - {name: a, host: h2}
)")) == lines{"test.yaml:5:14: cluster.nodes[1].name: duplicate node name \"a\" (already used by "
              "cluster.nodes[0].name)"});
}

TEST_CASE("nodes on one host may not share a port", "[config]") {
  CHECK(problems(yaml(R"(
cluster:
  secret: s
  nodes:
    - {name: a, http_port: 1, ingest_port: 2, actor_port: 3}
    - {name: b, http_port: 4, ingest_port: 2, actor_port: 6}
    - {name: c, host: 10.0.0.1, http_port: 1, ingest_port: 2, actor_port: 3}
)")) == lines{"test.yaml:5:44: cluster.nodes[1].ingest_port: duplicate port 2 on host "
              "\"127.0.0.1\" (already used by cluster.nodes[0].ingest_port)"});
}

TEST_CASE("default ports count when checking for shared ports", "[config]") {
  CHECK(problems("cluster: {nodes: [{name: a, http_port: 9471}]}") ==
        lines{"test.yaml:1:19: cluster.nodes[0].ingest_port: duplicate port 9471 (the default) on "
              "host \"127.0.0.1\" (already used by cluster.nodes[0].http_port)"});
  auto found = problems("cluster: {secret: s, nodes: [{name: a}, {name: b}]}");
  CHECK(found.size() == 3);
  CHECK(valid("cluster: {secret: s, nodes: [{name: a}, {name: b, host: 127.0.0.2}]}")
            .cluster.nodes.size() == 2);
}

TEST_CASE("replication factor is between 1 and the number of nodes", "[config]") {
  std::string two_nodes = "  secret: s\n  nodes: [{name: a, host: h1}, {name: b, host: h2}]\n";
  CHECK(valid("cluster:\n  replication_factor: 2\n" + two_nodes).cluster.replication_factor == 2);
  CHECK(problems("cluster:\n  replication_factor: 3\n" + two_nodes) ==
        lines{"test.yaml:2:23: cluster.replication_factor: expected an integer between 1 and 2 "
              "(the number of nodes), got \"3\""});
  CHECK(problems("cluster:\n  replication_factor: 0\n" + two_nodes) ==
        lines{"test.yaml:2:23: cluster.replication_factor: expected an integer >= 1, got \"0\""});
}

TEST_CASE("shards must be at least one", "[config]") {
  CHECK(problems("cluster: {shards: 0, nodes: [{name: a}]}") ==
        lines{"test.yaml:1:19: cluster.shards: expected an integer >= 1, got \"0\""});
  CHECK(valid("cluster: {shards: 1, nodes: [{name: a}]}").cluster.shards == 1);
}

TEST_CASE("a cluster of more than one node requires a secret", "[config]") {
  CHECK(problems("cluster:\n  nodes: [{name: a, host: h1}, {name: b, host: h2}]\n") ==
        lines{"test.yaml:2:3: cluster: missing required field \"secret\" (the cluster has more "
              "than one node)"});
  CHECK(
      problems("cluster:\n  secret: \"\"\n  nodes: [{name: a, host: h1}, {name: b, host: h2}]\n") ==
      lines{"test.yaml:2:11: cluster.secret: expected a non-empty string, got \"\""});
  CHECK(valid("cluster: {nodes: [{name: a}]}").cluster.secret.empty());
}

// --- global -------------------------------------------------------------------

TEST_CASE("a bad duration reports the duration parser's message", "[config]") {
  CHECK(problems("global:\n  evaluation_interval: 1m1h\n") ==
        lines{"test.yaml:2:24: global.evaluation_interval: " +
              vigil::parse_duration("1m1h").error_value().message});
}

TEST_CASE("durations must be greater than zero", "[config]") {
  for (const char* key : {"scrape_interval", "evaluation_interval"}) {
    INFO(key);
    CHECK(problems(std::string{"global: {"} + key + ": 0s}") ==
          lines{"test.yaml:1:" + std::to_string(12 + std::string{key}.size()) + ": global." + key +
                ": expected a duration greater than 0, got \"0s\""});
  }
  CHECK(problems("http: {idle_timeout: 0}").size() == 1);
}

TEST_CASE("scrape_timeout may not exceed scrape_interval", "[config]") {
  CHECK(problems("global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n") ==
        lines{"test.yaml:3:19: global.scrape_timeout: expected a duration <= scrape_interval (5s), "
              "got \"6s\""});
  CHECK(problems("global:\n  scrape_timeout: 20s\n") ==
        lines{"test.yaml:2:19: global.scrape_timeout: expected a duration <= scrape_interval "
              "(15s, the default), got \"20s\""});
  CHECK(valid("global: {scrape_interval: 5s, scrape_timeout: 5s}").global.scrape_timeout == 5s);
}

TEST_CASE("an unset scrape_timeout shrinks to a shorter scrape_interval", "[config]") {
  CHECK(valid("global: {scrape_interval: 5s}").global.scrape_timeout == 5s);
  CHECK(valid("global: {scrape_interval: 1m}").global.scrape_timeout == 10s);
}

TEST_CASE("external label names are Prometheus label names, not reserved", "[config]") {
  CHECK(problems("global:\n  external_labels:\n    1a: x\n    __b: y\n    c-d: z\n    ok: v\n") ==
        lines{"test.yaml:3:5: global.external_labels.1a: invalid label name \"1a\" (expected "
              "[a-zA-Z_][a-zA-Z0-9_]*)",
              "test.yaml:4:5: global.external_labels.__b: label name \"__b\" is reserved (expected "
              "a name not starting with \"__\")",
              "test.yaml:5:5: global.external_labels.c-d: invalid label name \"c-d\" (expected "
              "[a-zA-Z_][a-zA-Z0-9_]*)"});
  CHECK(problems("global: {external_labels: {a: [x]}}") ==
        lines{"test.yaml:1:31: global.external_labels.a: expected a non-empty string, got a list"});
  CHECK(problems("global: {external_labels: [a]}") ==
        lines{"test.yaml:1:27: global.external_labels: expected a mapping, got a list"});
}

// --- storage ------------------------------------------------------------------

TEST_CASE("retention tiers are ordered raw <= rollup_1m <= rollup_1h", "[config]") {
  CHECK(problems("storage:\n  retention:\n    raw: 60d\n") ==
        lines{"test.yaml:3:10: storage.retention.raw: expected a duration <= rollup_1m (4w2d, the "
              "default), got \"60d\""});
  CHECK(problems("storage:\n  retention:\n    rollup_1h: 1d\n") ==
        lines{"test.yaml:3:16: storage.retention.rollup_1h: expected a duration >= rollup_1m "
              "(4w2d, the default), got \"1d\""});
  CHECK(problems("storage:\n  retention:\n    raw: 2d\n    rollup_1m: 1d\n    rollup_1h: 1d\n") ==
        lines{"test.yaml:3:10: storage.retention.raw: expected a duration <= rollup_1m (1d), got "
              "\"2d\""});
  auto equal = valid("storage: {retention: {raw: 1d, rollup_1m: 1d, rollup_1h: 1d}}");
  CHECK(equal.storage.retention.rollup_1h == 24h);
}

TEST_CASE("retention rules select series by a PromQL selector and default their tiers",
          "[config]") {
  auto c = valid(R"(
storage:
  retention:
    raw: 2d
    rules:
      - selector: '{__name__=~"debug_.*", env!="prod"}'
        rollup_1h: 30d
      - selector: up
        raw: 1d
        rollup_1m: 1d
        rollup_1h: 1d
)");
  const auto& rules = c.storage.retention.rules;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].selector == R"({__name__=~"debug_.*", env!="prod"})");
  REQUIRE(rules[0].matchers.size() == 2);
  CHECK(rules[0].matchers[0].matches("debug_x"));
  CHECK(rules[0].raw == 48h);  // the default's, as set above
  CHECK(rules[0].rollup_1m == 30 * 24h);
  CHECK(rules[0].rollup_1h == 30 * 24h);
  REQUIRE(rules[1].matchers.size() == 1);
  CHECK(rules[1].matchers[0].name() == "__name__");
  CHECK(rules[1].rollup_1h == 24h);
}

TEST_CASE("a retention rule's bad selector or tiers are reported where they are", "[config]") {
  auto found = problems(
      "storage:\n  retention:\n    rules:\n      - selector: 'up{job=}'\n      - raw: 1d\n"
      "      - {selector: up, raw: 40d}\n      - {selector: up, colour: red}\n");
  CAPTURE(found);
  REQUIRE(found.size() == 4);
  CHECK(
      found[0].starts_with("test.yaml:4:19: storage.retention.rules[0].selector: invalid series "
                           "selector \"up{job=}\": 1:8: parse error: "));
  CHECK(found[1] ==
        "test.yaml:5:9: storage.retention.rules[1]: missing required field \"selector\"");
  CHECK(found[2] ==
        "test.yaml:6:29: storage.retention.rules[2].raw: expected a duration <= "
        "rollup_1m (4w2d, the default), got \"40d\"");
  CHECK(found[3].starts_with("test.yaml:7:24: storage.retention.rules[3].colour: unknown key"));
}

TEST_CASE("an invalid retention is not compared with the others", "[config]") {
  CHECK(problems("storage: {retention: {raw: 0s, rollup_1m: 1d}}").size() == 1);
}

TEST_CASE("wal fsync is always, batch or never", "[config]") {
  CHECK(valid("storage: {wal: {fsync: never}}").storage.wal.fsync == fsync_policy::never);
  CHECK(problems("storage: {wal: {fsync: sometimes, fsync_batch: -1s}}") ==
        lines{"test.yaml:1:24: storage.wal.fsync: expected one of always, batch, never, got "
              "\"sometimes\"",
              "test.yaml:1:48: storage.wal.fsync_batch: " +
                  vigil::parse_duration("-1s").error_value().message});
}

// --- http ---------------------------------------------------------------------

TEST_CASE("http limits are positive", "[config]") {
  auto found = problems(
      "http: {read_timeout: 0s, idle_timeout: 0s, max_header_bytes: 0, max_body_bytes: 0, "
      "max_connections: 0}");
  CHECK(found.size() == 5);
}
