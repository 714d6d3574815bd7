#include "config/loader.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "tests/config/test_util.hpp"

using namespace std::chrono_literals;
using namespace vigil::config;
using vigil::config::test::problems;
using vigil::config::test::temp_dir;
using vigil::config::test::valid;
using vigil::config::test::yaml;

namespace {

const std::string full_config = yaml(R"(
cluster:
  name: prod
  shards: 8
  replication_factor: 2
  secret: s3cret
  nodes:
    - name: a
      host: 10.0.0.1
      http_port: 1001
      ingest_port: 1002
      actor_port: 1003
      data_dir: /var/lib/vigil/a
    - name: b.2-x_y
      host: 10.0.0.2
      http_port: 2001
      ingest_port: 2002
      actor_port: 2003
      data_dir: /var/lib/vigil/b
global:
  scrape_interval: 30s
  scrape_timeout: 20s
  evaluation_interval: 1m
  external_labels:
    region: eu-west
    _env: prod
storage:
  retention:
    raw: 2d
    rollup_1m: 2w
    rollup_1h: 2y
  wal:
    fsync: always
    fsync_batch: 250ms
auth:
  tokens:
    - name: grafana
      token: abc
      roles: [read]
    - name: ops
      token: def
      roles: [admin, write]
http:
  read_timeout: 10s
  idle_timeout: 1h30m
  max_header_bytes: 1000
  max_body_bytes: 2000
  max_connections: 3
)");

}  // namespace

TEST_CASE("a config with every key fills every field", "[config]") {
  config c = valid(full_config);
  CHECK(c.source == "test.yaml");
  CHECK(c.cluster.name == "prod");
  CHECK(c.cluster.shards == 8);
  CHECK(c.cluster.replication_factor == 2);
  CHECK(c.cluster.secret == "s3cret");
  REQUIRE(c.cluster.nodes.size() == 2);
  const node_config& a = c.cluster.nodes[0];
  CHECK(a.name == "a");
  CHECK(a.host == "10.0.0.1");
  CHECK(a.http_port == 1001);
  CHECK(a.ingest_port == 1002);
  CHECK(a.actor_port == 1003);
  CHECK(a.data_dir == "/var/lib/vigil/a");
  CHECK(c.cluster.nodes[1].name == "b.2-x_y");
  CHECK(c.cluster.nodes[1].actor_port == 2003);
  CHECK(c.global.scrape_interval == 30s);
  CHECK(c.global.scrape_timeout == 20s);
  CHECK(c.global.evaluation_interval == 1min);
  CHECK(c.global.external_labels ==
        std::map<std::string, std::string>{{"region", "eu-west"}, {"_env", "prod"}});
  CHECK(c.storage.retention.raw == 48h);
  CHECK(c.storage.retention.rollup_1m == 14 * 24h);
  CHECK(c.storage.retention.rollup_1h == 2 * 365 * 24h);
  CHECK(c.storage.wal.fsync == fsync_policy::always);
  CHECK(c.storage.wal.fsync_batch == 250ms);
  REQUIRE(c.auth.tokens.size() == 2);
  CHECK(c.auth.tokens[0].name == "grafana");
  CHECK(c.auth.tokens[0].token == "abc");
  CHECK(c.auth.tokens[0].roles == std::vector<role>{role::read});
  CHECK(c.auth.tokens[1].roles == std::vector<role>{role::admin, role::write});
  CHECK(c.http.read_timeout == 10s);
  CHECK(c.http.idle_timeout == 90min);
  CHECK(c.http.max_header_bytes == 1000);
  CHECK(c.http.max_body_bytes == 2000);
  CHECK(c.http.max_connections == 3);
}

TEST_CASE("an empty file yields the defaults and one node called local", "[config]") {
  for (const char* text : {"", "# nothing but a comment\n", "{}"}) {
    INFO(text);
    config c = valid(text);
    const config defaults;
    REQUIRE(c.cluster.nodes.size() == 1);
    const node_config& n = c.cluster.nodes[0];
    CHECK(n.name == "local");
    CHECK(n.host == "127.0.0.1");
    CHECK(n.http_port == 9470);
    CHECK(n.ingest_port == 9471);
    CHECK(n.actor_port == 9472);
    CHECK(n.data_dir == "./data");
    CHECK(c.cluster.name == defaults.cluster.name);
    CHECK(c.cluster.shards == 4);
    CHECK(c.cluster.replication_factor == 1);
    CHECK(c.global.scrape_interval == 15s);
    CHECK(c.global.scrape_timeout == 10s);
    CHECK(c.global.evaluation_interval == 15s);
    CHECK(c.global.external_labels.empty());
    CHECK(c.storage.retention.raw == 7 * 24h);
    CHECK(c.storage.retention.rollup_1m == 30 * 24h);
    CHECK(c.storage.retention.rollup_1h == 365 * 24h);
    CHECK(c.storage.wal.fsync == fsync_policy::batch);
    CHECK(c.storage.wal.fsync_batch == 10ms);
    CHECK(c.auth.tokens.empty());
    CHECK(c.http.max_connections == defaults.http.max_connections);
  }
}

TEST_CASE("empty sections read as their defaults", "[config]") {
  config c = valid("global:\nstorage:\n  wal:\nhttp: {}\nauth:\n  tokens:\n");
  CHECK(c.global.scrape_interval == 15s);
  CHECK(c.storage.wal.fsync == fsync_policy::batch);
  CHECK(c.auth.tokens.empty());
}

TEST_CASE("three mistakes in one file give exactly three positioned lines", "[config]") {
  std::string text = yaml(R"(
cluster:
  nodes:
    - host: 127.0.0.1
      http_port: 9470
global:
  scrape_interval: 15x
http:
  max_conections: 10
)");
  std::string duration_error = vigil::parse_duration("15x").error_value().message;
  std::vector<std::string> expected{
      "test.yaml:3:7: cluster.nodes[0]: missing required field \"name\"",
      "test.yaml:6:20: global.scrape_interval: " + duration_error,
      "test.yaml:8:3: http.max_conections: unknown key \"max_conections\" (expected one of: "
      "read_timeout, idle_timeout, max_header_bytes, max_body_bytes, max_connections)",
  };
  CHECK(problems(text) == expected);

  auto loaded = load_string(text, "test.yaml");
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error_value().code == vigil::errc::parse_error);
  CHECK(loaded.error_value().message == expected[0] + "\n" + expected[1] + "\n" + expected[2]);

  auto structured = check_string(text, "test.yaml").diagnostics;
  REQUIRE(structured.size() == 3);
  CHECK(structured[1] == diagnostic{"test.yaml", 6, 20, "global.scrape_interval", duration_error});
}

TEST_CASE("diagnostics come in file order whatever order they were found in", "[config]") {
  // The cluster section is checked first but sits last in the file.
  auto lines = problems("http: {max_connections: 0}\ncluster: {bogus: 1, nodes: [{name: a}]}\n");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].starts_with("test.yaml:1:25: http.max_connections: "));
  CHECK(lines[1].starts_with("test.yaml:2:11: cluster.bogus: unknown key"));
}

TEST_CASE("a YAML syntax error is one line at the parser's position", "[config]") {
  auto lines = problems("global:\n  scrape_interval: [15s\nhttp: {}\n");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("test.yaml:3:5: <document>: invalid YAML: "));

  lines = problems("global:\n  scrape_interval: 15s\n   bad: indentation\n");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("test.yaml:3:"));
  CHECK(lines[0].find("invalid YAML") != std::string::npos);
}

TEST_CASE("a document that is not a mapping is rejected", "[config]") {
  CHECK(problems("- a\n- b\n") ==
        std::vector<std::string>{"test.yaml:1:1: <document>: expected a mapping, got a list"});
}

TEST_CASE("more than one YAML document is rejected", "[config]") {
  CHECK(problems("http: {}\n---\nglobal: {}\n") ==
        std::vector<std::string>{
            "test.yaml:3:1: <document>: expected a single YAML document, found 2"});
}

TEST_CASE("a key given twice is reported at its second occurrence", "[config]") {
  CHECK(problems("http:\n  max_connections: 1\n  max_connections: 2\n") ==
        std::vector<std::string>{"test.yaml:3:3: http.max_connections: duplicate key "
                                 "\"max_connections\" (each key may appear once)"});
}

TEST_CASE("unknown top-level keys list the known sections", "[config]") {
  CHECK(
      problems("alerting: []\n") ==
      std::vector<std::string>{"test.yaml:1:1: alerting: unknown key \"alerting\" (expected one "
                               "of: cluster, global, storage, auth, http, query, scrape_configs)"});
}

TEST_CASE("load_file reads a file and names it in diagnostics", "[config]") {
  temp_dir dir;
  auto good = dir.write("good.yaml", "global: {scrape_interval: 1m}\n");
  auto loaded = load_file(good.string());
  REQUIRE(loaded);
  CHECK(loaded->source == good.string());
  CHECK(loaded->global.scrape_interval == 1min);

  auto bad = dir.write("bad.yaml", "\nglobal: {scrape_interval: 0s}\n");
  auto failed = load_file(bad.string());
  REQUIRE_FALSE(failed);
  CHECK(failed.error_value().code == vigil::errc::parse_error);
  CHECK(failed.error_value().message.starts_with(bad.string() + ":2:27: global.scrape_interval: "));
}

TEST_CASE("an unreadable config file is one io_error naming the path and the reason", "[config]") {
  temp_dir dir;
  auto missing = (std::filesystem::path{dir / "missing.yaml"}).string();
  auto loaded = load_file(missing);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error_value().code == vigil::errc::io_error);
  CHECK(loaded.error_value().message ==
        "cannot read \"" + missing + "\": No such file or directory");

  auto directory = load_file(dir.path());
  REQUIRE_FALSE(directory);
  CHECK(directory.error_value().code == vigil::errc::io_error);
  CHECK(directory.error_value().message.find("Is a directory") != std::string::npos);
}

TEST_CASE("the embedded default is valid and matches the documented defaults", "[config]") {
  CHECK(embedded_default_yaml().find("cluster:") != std::string_view::npos);
  auto result = check_string(embedded_default_yaml(), "<embedded>");
  INFO(to_error(result.diagnostics).message);
  REQUIRE(result.ok());

  config c = embedded_default();
  CHECK(c.source == "<embedded>");
  REQUIRE(c.cluster.nodes.size() == 1);
  CHECK(c.cluster.nodes[0].name == "local");
  CHECK(c.cluster.nodes[0].host == "127.0.0.1");
  CHECK(c.cluster.nodes[0].http_port == 9470);
  CHECK(c.cluster.nodes[0].ingest_port == 9471);
  CHECK(c.cluster.nodes[0].actor_port == 9472);
  CHECK(c.cluster.nodes[0].data_dir == "./data");
  CHECK(c.global.scrape_interval == 15s);
  CHECK(c.global.evaluation_interval == 15s);
  CHECK(c.storage.wal.fsync == fsync_policy::batch);
  CHECK(c.storage.wal.fsync_batch == 10ms);
  const retention_config defaults;
  CHECK(c.storage.retention.raw == defaults.raw);
  CHECK(c.storage.retention.rollup_1m == defaults.rollup_1m);
  CHECK(c.storage.retention.rollup_1h == defaults.rollup_1h);
  CHECK(c.auth.tokens.empty());
  const http_config http;
  CHECK(c.http.max_header_bytes == http.max_header_bytes);
  CHECK(c.http.max_body_bytes == http.max_body_bytes);
  CHECK(c.http.idle_timeout == http.idle_timeout);
}

TEST_CASE("every example config in examples/ loads", "[config]") {
  const char* root = std::getenv("VIGIL_SOURCE_DIR");
  REQUIRE(root != nullptr);
  auto examples = std::filesystem::path{root} / "examples";
  int loaded = 0;
  if (std::filesystem::is_directory(examples)) {
    for (const auto& entry : std::filesystem::directory_iterator{examples}) {
      if (entry.path().extension() != ".yaml") continue;
      INFO(entry.path().string());
      auto c = load_file(entry.path().string());
      INFO((c ? std::string{} : c.error_value().message));
      CHECK(c);
      ++loaded;
    }
  }
  CHECK(loaded >= 2);  // vigil.yaml and cluster.yaml
}

TEST_CASE("select_node picks the only node or the named one", "[config]") {
  config single = valid("");
  auto only = select_node(single, "");
  REQUIRE(only);
  CHECK((*only)->name == "local");

  config three = valid(yaml(R"(
cluster:
  secret: x
  nodes:
    - {name: a, http_port: 1, ingest_port: 2, actor_port: 3}
    - {name: b, http_port: 4, ingest_port: 5, actor_port: 6}
    - {name: c, http_port: 7, ingest_port: 8, actor_port: 9}
)"));
  auto b = select_node(three, "b");
  REQUIRE(b);
  CHECK((*b)->http_port == 4);
  CHECK(*b == &three.cluster.nodes[1]);

  auto ambiguous = select_node(three, "");
  REQUIRE_FALSE(ambiguous);
  CHECK(ambiguous.error_value().code == vigil::errc::invalid_argument);
  CHECK(ambiguous.error_value().message.find("a, b, c") != std::string::npos);

  auto unknown = select_node(three, "d");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error_value().code == vigil::errc::not_found);
  CHECK(unknown.error_value().message ==
        "no node named \"d\" in the cluster (expected one of: a, b, c)");
  CHECK_FALSE(select_node(single, "a"));
}

TEST_CASE("enums print as they are spelled in YAML", "[config]") {
  CHECK(to_string(fsync_policy::always) == "always");
  CHECK(to_string(fsync_policy::batch) == "batch");
  CHECK(to_string(fsync_policy::never) == "never");
  CHECK(to_string(role::read) == "read");
  CHECK(to_string(role::write) == "write");
  CHECK(to_string(role::admin) == "admin");
}

TEST_CASE("a diagnostic prints as file:line:col: path: message", "[config]") {
  CHECK(to_string(diagnostic{"a.yaml", 3, 7, "http.x", "bad"}) == "a.yaml:3:7: http.x: bad");
  CHECK(to_error({}).message.empty());
}

TEST_CASE("the redacted YAML hides every secret and keeps the rest", "[config]") {
  auto cfg = load_string(
      "cluster:\n  secret: s1\n  nodes: [{name: a}]\n"
      "auth:\n  tokens: [{name: ops, token: s2, roles: [admin]}]\n"
      "scrape_configs:\n"
      "  - job_name: j\n    basic_auth: {username: u, password: s3}\n"
      "  - job_name: k\n    authorization: {credentials: s4}\n",
      "test.yaml");
  REQUIRE(cfg);
  auto text = redacted_yaml(*cfg);
  for (const char* secret : {"s1", "s2", "s3", "s4"})
    CHECK(text.find(std::string{": "} + secret) == std::string::npos);
  CHECK(text.find("secret: <secret>") != std::string::npos);
  CHECK(text.find("username: u") != std::string::npos);
  CHECK(text.find("job_name: k") != std::string::npos);
}

TEST_CASE("the query section bounds PromQL queries", "[config]") {
  auto cfg =
      load_string("query: {timeout: 30s, max_samples: 1000, max_series: 10, lookback_delta: 1m}\n",
                  "test.yaml");
  REQUIRE(cfg);
  CHECK(cfg->query.timeout == 30s);
  CHECK(cfg->query.max_samples == 1000);
  CHECK(cfg->query.max_series == 10);
  CHECK(cfg->query.lookback_delta == 1min);
  CHECK(cfg->query.cache_max_bytes == 128 << 20);
  CHECK(cfg->query.cache_freshness == 5min);
  cfg = load_string("query: {cache_max_bytes: 0, cache_freshness: 90s}\n", "test.yaml");
  REQUIRE(cfg);
  CHECK(cfg->query.cache_max_bytes == 0);
  CHECK(cfg->query.cache_freshness == 90s);
  CHECK(problems("query: {timeout: 0s, max_samples: -1, cache_freshness: 0s}\n") ==
        std::vector<std::string>{
            "test.yaml:1:18: query.timeout: expected a duration greater than 0, got \"0s\"",
            "test.yaml:1:35: query.max_samples: expected an integer >= 0, got \"-1\"",
            "test.yaml:1:56: query.cache_freshness: expected a duration greater than 0, got "
            "\"0s\""});
}

TEST_CASE("the query section enables Prometheus's PromQL features by name", "[config]") {
  auto cfg = load_string("query: {}\n", "test.yaml");
  REQUIRE(cfg);
  CHECK_FALSE(cfg->query.experimental_functions);
  CHECK_FALSE(cfg->query.duration_expressions);
  cfg = load_string("query: {enable_features: [promql-experimental-functions]}\n", "test.yaml");
  REQUIRE(cfg);
  CHECK(cfg->query.experimental_functions);
  CHECK_FALSE(cfg->query.duration_expressions);
  CHECK(problems("query:\n  enable_features: [promql-duration-expr, native-histograms]\n") ==
        std::vector<std::string>{
            "test.yaml:2:43: query.enable_features[1]: unknown feature \"native-histograms\" "
            "(expected promql-experimental-functions or promql-duration-expr)"});
}
