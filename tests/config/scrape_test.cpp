// scrape_configs: every key of a job, defaults from global, and each check
// with its position.

#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "scrape/relabel.hpp"
#include "tests/config/test_util.hpp"

using namespace std::chrono_literals;
using namespace vigil::config;
using vigil::label;
using vigil::config::test::problems;
using vigil::config::test::valid;
using vigil::config::test::yaml;
using vigil::scrape::relabel_action;
using lines = std::vector<std::string>;

namespace {

// `jobs` under `scrape_configs:`, so a job's first key is on line 2.
std::string jobs(std::string_view text) {
  return "scrape_configs:\n" + yaml(text);
}

std::vector<std::string> problems_in(std::string_view text, const std::string& source) {
  std::vector<std::string> out;
  for (const auto& d : check_string(text, source).diagnostics) out.push_back(to_string(d));
  return out;
}

}  // namespace

// --- valid jobs ----------------------------------------------------------------

TEST_CASE("a job with every key fills every field", "[config][scrape]") {
  auto result = check_string(yaml(R"(
global:
  scrape_interval: 30s
scrape_configs:
  - job_name: node
    honor_labels: true
    honor_timestamps: false
    params:
      module: [http_2xx, tcp]
      debug: ["1"]
    scrape_interval: 1m
    scrape_timeout: 50s
    metrics_path: /probe
    scheme: https
    body_size_limit: 10MB
    sample_limit: 1000
    label_limit: 30
    label_name_length_limit: 100
    label_value_length_limit: 200
    basic_auth:
      username: prom
      password_file: secrets/pw
    relabel_configs:
      - source_labels: [__address__, job]
        separator: ","
        regex: '(.+):\d+'
        target_label: host
        replacement: "${1}"
        action: replace
      - source_labels: [__address__]
        modulus: 8
        target_label: __tmp_hash
        action: HashMod
    metric_relabel_configs:
      - regex: "go_.*"
        action: labeldrop
    static_configs:
      - targets: ["a:9100", "b:9100"]
        labels: {env: prod, __metrics_path__: /m}
      - targets: [c:9100]
    file_sd_configs:
      - files: [targets/*.json, /etc/vigil/more.yml]
        refresh_interval: 1m
      - files: [../shared/x.yaml]
)"),
                             "conf/vigil.yaml");
  INFO(to_error(result.diagnostics).message);
  REQUIRE(result.ok());
  REQUIRE(result.value.scrape_configs.size() == 1);
  const auto& j = result.value.scrape_configs[0];
  CHECK(j.name == "node");
  CHECK(j.honor_labels);
  CHECK_FALSE(j.honor_timestamps);
  using param = std::pair<std::string, std::string>;
  CHECK(j.params == std::vector<param>{{"module", "http_2xx"}, {"module", "tcp"}, {"debug", "1"}});
  CHECK(j.scrape_interval == 1min);
  CHECK(j.scrape_timeout == 50s);
  CHECK(j.metrics_path == "/probe");
  CHECK(j.scheme == "https");
  CHECK(j.body_size_limit == 10 * 1024 * 1024);
  CHECK(j.sample_limit == 1000);
  CHECK(j.label_limit == 30);
  CHECK(j.label_name_length_limit == 100);
  CHECK(j.label_value_length_limit == 200);
  REQUIRE(j.basic);
  CHECK(j.basic->username == "prom");
  CHECK(j.basic->password.empty());
  CHECK(j.basic->password_file == "conf/secrets/pw");
  CHECK_FALSE(j.bearer);

  REQUIRE(j.relabel_configs.size() == 2);
  const auto& r0 = j.relabel_configs[0];
  CHECK(r0.source_labels == std::vector<std::string>{"__address__", "job"});
  CHECK(r0.separator == ",");
  CHECK(r0.regex.pattern() == R"((.+):\d+)");
  CHECK(r0.target_label == "host");
  CHECK(r0.replacement == "${1}");
  CHECK(r0.action == relabel_action::replace);
  const auto& r1 = j.relabel_configs[1];
  CHECK(r1.modulus == 8);
  CHECK(r1.action == relabel_action::hashmod);
  CHECK(r1.separator == ";");
  CHECK(r1.replacement == "$1");
  REQUIRE(j.metric_relabel_configs.size() == 1);
  CHECK(j.metric_relabel_configs[0].action == relabel_action::labeldrop);
  CHECK(j.metric_relabel_configs[0].regex.pattern() == "go_.*");

  REQUIRE(j.static_configs.size() == 2);
  CHECK(j.static_configs[0].targets == std::vector<std::string>{"a:9100", "b:9100"});
  CHECK(j.static_configs[0].labels ==
        std::vector<label>{{"env", "prod"}, {"__metrics_path__", "/m"}});
  CHECK(j.static_configs[0].source == "0");
  CHECK(j.static_configs[1].targets == std::vector<std::string>{"c:9100"});
  CHECK(j.static_configs[1].labels.empty());
  CHECK(j.static_configs[1].source == "1");

  REQUIRE(j.file_sd_configs.size() == 2);
  CHECK(j.file_sd_configs[0].files ==
        std::vector<std::string>{"conf/targets/*.json", "/etc/vigil/more.yml"});
  CHECK(j.file_sd_configs[0].refresh_interval == 1min);
  CHECK(j.file_sd_configs[1].files == std::vector<std::string>{"shared/x.yaml"});
  CHECK(j.file_sd_configs[1].refresh_interval == 5min);
}

TEST_CASE("an absent key takes the default, intervals global's", "[config][scrape]") {
  auto c = valid("global: {scrape_interval: 1m, scrape_timeout: 20s}\n" +
                 jobs("  - job_name: a\n  - job_name: b\n"));
  REQUIRE(c.scrape_configs.size() == 2);
  const auto& j = c.scrape_configs[0];
  CHECK(j.name == "a");
  CHECK(j.scrape_interval == 1min);
  CHECK(j.scrape_timeout == 20s);
  CHECK(j.metrics_path == "/metrics");
  CHECK(j.scheme == "http");
  CHECK(j.params.empty());
  CHECK_FALSE(j.honor_labels);
  CHECK(j.honor_timestamps);
  CHECK(j.sample_limit == 0);
  CHECK(j.label_limit == 0);
  CHECK(j.label_name_length_limit == 0);
  CHECK(j.label_value_length_limit == 0);
  CHECK(j.body_size_limit == 0);
  CHECK(j.static_configs.empty());
  CHECK(j.file_sd_configs.empty());
  CHECK(j.relabel_configs.empty());
  CHECK(j.metric_relabel_configs.empty());
  CHECK_FALSE(j.basic);
  CHECK_FALSE(j.bearer);
  CHECK(valid("").scrape_configs.empty());
  CHECK(valid("scrape_configs: []").scrape_configs.empty());
  CHECK(valid("scrape_configs:").scrape_configs.empty());
}

TEST_CASE("a job's unset timeout is global's, cut down to a shorter interval", "[config][scrape]") {
  auto job = [](std::string_view text) { return valid(jobs(text)).scrape_configs.at(0); };
  CHECK(job("  - {job_name: a}").scrape_timeout == 10s);
  CHECK(job("  - {job_name: a, scrape_interval: 5s}").scrape_timeout == 5s);
  CHECK(job("  - {job_name: a, scrape_interval: 1m}").scrape_timeout == 10s);
  CHECK(job("  - {job_name: a, scrape_timeout: 15s}").scrape_timeout == 15s);
  auto c = valid("global: {scrape_interval: 5s}\n" + jobs("  - {job_name: a}"));
  CHECK(c.scrape_configs[0].scrape_interval == 5s);
  CHECK(c.scrape_configs[0].scrape_timeout == 5s);
}

TEST_CASE("a job's timeout may not exceed its interval", "[config][scrape]") {
  CHECK(problems(jobs("  - {job_name: a, scrape_interval: 5s, scrape_timeout: 6s}")) ==
        lines{"test.yaml:2:56: scrape_configs[0].scrape_timeout: expected a duration <= "
              "scrape_interval (5s), got \"6s\""});
  CHECK(problems(jobs("  - {job_name: a, scrape_timeout: 20s}")) ==
        lines{"test.yaml:2:35: scrape_configs[0].scrape_timeout: expected a duration <= "
              "scrape_interval (15s, from global), got \"20s\""});
  CHECK(problems(jobs("  - {job_name: a, scrape_interval: 0s}")) ==
        lines{"test.yaml:2:36: scrape_configs[0].scrape_interval: expected a duration greater "
              "than 0, got \"0s\""});
}

TEST_CASE("body_size_limit reads Prometheus's base-2 units and plain bytes", "[config][scrape]") {
  auto limit = [](std::string_view size) {
    return valid(jobs("  - {job_name: a, body_size_limit: " + std::string{size} + "}"))
        .scrape_configs.at(0)
        .body_size_limit;
  };
  CHECK(limit("0") == 0);
  CHECK(limit("1048576") == 1048576);
  CHECK(limit("512B") == 512);
  CHECK(limit("1KB") == 1024);
  CHECK(limit("1KiB") == 1024);
  CHECK(limit("10MB") == 10485760);
  CHECK(limit("10MiB") == 10485760);
  CHECK(limit("1.5GiB") == 1610612736);
  CHECK(limit("1GB512MB") == 1610612736);
  CHECK(limit(".5KB") == 512);
  CHECK(limit("2TB") == 2ull << 40);
  CHECK(limit("7EiB") == 7ull << 60);
  for (const char* bad :
       {"10kB", "10mb", "-1", "+1KB", "1XB", "KB", "\"\"", "\"1 MB\"", "1.MBx", "8EB", "[1]"}) {
    INFO(bad);
    auto found = problems(jobs("  - {job_name: a, body_size_limit: " + std::string{bad} + "}"));
    REQUIRE(found.size() == 1);
    CHECK(found[0].starts_with(
        "test.yaml:2:36: scrape_configs[0].body_size_limit: expected a size in bytes like "
        "1048576, 512KiB or 10MB (K, M, G, T, P and E are 1024-based; at most 8EiB), got "));
  }
}

TEST_CASE("authorization, bearer_token and bearer_token_file set bearer credentials",
          "[config][scrape]") {
  auto job = [](std::string_view text) {
    auto result = check_string(jobs(text), "/etc/vigil/vigil.yaml");
    INFO(to_error(result.diagnostics).message);
    REQUIRE(result.ok());
    return result.value.scrape_configs.at(0);
  };
  auto a = job("  - {job_name: a, authorization: {credentials: s3cret}}");
  REQUIRE(a.bearer);
  CHECK(a.bearer->credentials == "s3cret");
  CHECK(a.bearer->credentials_file.empty());
  auto b = job("  - {job_name: a, authorization: {type: bearer, credentials_file: t/token}}");
  REQUIRE(b.bearer);
  CHECK(b.bearer->credentials_file == "/etc/vigil/t/token");
  CHECK(job("  - {job_name: a, bearer_token: abc}").bearer->credentials == "abc");
  CHECK(job("  - {job_name: a, bearer_token_file: ./tok}").bearer->credentials_file ==
        "/etc/vigil/tok");
  CHECK(job("  - {job_name: a, bearer_token_file: /run/tok}").bearer->credentials_file ==
        "/run/tok");
  auto basic = job("  - {job_name: a, basic_auth: {username: u, password: p}}");
  REQUIRE(basic.basic);
  CHECK(basic.basic->username == "u");
  CHECK(basic.basic->password == "p");
  CHECK_FALSE(basic.bearer);
}

TEST_CASE("URLs as static targets are accepted only with relabel_configs", "[config][scrape]") {
  CHECK(problems(jobs("  - job_name: a\n"
                      "    static_configs: [{targets: [\"a:1\", \"http://b:2/x\"]}]\n")) ==
        lines{"test.yaml:3:40: scrape_configs[0].static_configs[0].targets[1]: expected "
              "host:port, got \"http://b:2/x\" (a URL's scheme and path go in scheme and "
              "metrics_path)"});
  auto c = valid(jobs(R"(
  - job_name: blackbox
    static_configs: [{targets: ["https://example.com/health"]}]
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {target_label: __address__, replacement: "127.0.0.1:9115"}
)"));
  CHECK(c.scrape_configs[0].static_configs[0].targets[0] == "https://example.com/health");
}

// --- errors ---------------------------------------------------------------------

TEST_CASE("every problem of every job is reported at its position", "[config][scrape]") {
  CHECK(problems(jobs(R"(
  - job_name: a
    scheme: ftp
    metrics_path: metrics
    honor_labels: yes
    sample_limit: -1
    params: {module: http_2xx}
    static_configs:
      - targets: [ok:1, ""]
        labels: {1a: x, env: [prod], __ok: y}
  - scheme: http
  - job_name: a
    scrape_intervall: 1m
  -
)")) == lines{
            // A null entry has no position of its own: it is reported at its list.
            "test.yaml:2:3: scrape_configs[3]: expected a scrape job (a mapping), got nothing",
            "test.yaml:3:13: scrape_configs[0].scheme: expected one of http, https, got "
            "\"ftp\"",
            "test.yaml:4:19: scrape_configs[0].metrics_path: expected a path starting with "
            "\"/\", got \"metrics\"",
            "test.yaml:5:19: scrape_configs[0].honor_labels: expected true or false, got "
            "\"yes\"",
            "test.yaml:6:19: scrape_configs[0].sample_limit: expected an integer >= 0, got "
            "\"-1\"",
            "test.yaml:7:22: scrape_configs[0].params.module: expected a list, got "
            "\"http_2xx\"",
            "test.yaml:9:25: scrape_configs[0].static_configs[0].targets[1]: expected a "
            "non-empty string, got \"\"",
            "test.yaml:10:18: scrape_configs[0].static_configs[0].labels.1a: invalid label "
            "name \"1a\" (expected [a-zA-Z_][a-zA-Z0-9_]*)",
            "test.yaml:10:30: scrape_configs[0].static_configs[0].labels.env: expected a "
            "string, got a list",
            "test.yaml:11:5: scrape_configs[1]: missing required field \"job_name\"",
            "test.yaml:12:15: scrape_configs[2].job_name: duplicate job_name \"a\" (already "
            "used by scrape_configs[0].job_name)",
            "test.yaml:13:5: scrape_configs[2].scrape_intervall: unknown key "
            "\"scrape_intervall\" (expected one of: job_name, honor_labels, honor_timestamps, "
            "params, scrape_interval, scrape_timeout, metrics_path, scheme, body_size_limit, "
            "sample_limit, label_limit, label_name_length_limit, label_value_length_limit, "
            "basic_auth, authorization, bearer_token, bearer_token_file, relabel_configs, "
            "metric_relabel_configs, static_configs, file_sd_configs)",
        });
}

TEST_CASE("scrape_configs is a list of mappings", "[config][scrape]") {
  CHECK(problems("scrape_configs: {job_name: a}") ==
        lines{"test.yaml:1:17: scrape_configs: expected a list, got a mapping"});
  CHECK(problems("scrape_configs: [a]") ==
        lines{"test.yaml:1:18: scrape_configs[0]: expected a mapping, got \"a\""});
  CHECK(problems(jobs("  - {job_name: \"\"}")) ==
        lines{"test.yaml:2:16: scrape_configs[0].job_name: expected a non-empty string, got "
              "\"\""});
}

TEST_CASE("only one way of authenticating per job", "[config][scrape]") {
  CHECK(problems(jobs(R"(
  - job_name: a
    bearer_token: t
    basic_auth: {username: u, password: p}
    bearer_token_file: f
)")) == lines{"test.yaml:4:17: scrape_configs[0].basic_auth: expected one of basic_auth, "
              "authorization, bearer_token or bearer_token_file, not both \"bearer_token\" and "
              "\"basic_auth\"",
              "test.yaml:5:24: scrape_configs[0].bearer_token_file: expected one of basic_auth, "
              "authorization, bearer_token or bearer_token_file, not both \"bearer_token\" and "
              "\"bearer_token_file\""});
}

TEST_CASE("secrets are inline or in a file, not both", "[config][scrape]") {
  CHECK(problems(jobs(R"(
  - job_name: a
    basic_auth: {username: u, password: p, password_file: f}
  - job_name: b
    authorization: {credentials: c, credentials_file: f}
  - job_name: c
    authorization: {type: Bearer}
)")) == lines{"test.yaml:3:59: scrape_configs[0].basic_auth.password_file: expected either "
              "\"password\" or \"password_file\", not both",
              "test.yaml:5:55: scrape_configs[1].authorization.credentials_file: expected either "
              "\"credentials\" or \"credentials_file\", not both",
              "test.yaml:7:20: scrape_configs[2].authorization: missing required field "
              "\"credentials\" or \"credentials_file\""});
}

TEST_CASE("authorization supports the Bearer type only", "[config][scrape]") {
  CHECK(problems(jobs(R"(
  - job_name: a
    authorization: {type: Basic, credentials: c}
  - job_name: b
    authorization: {type: Token, credentials: c}
  - job_name: c
    authorization: {credentials: c, user: x}
)")) == lines{"test.yaml:3:27: scrape_configs[0].authorization.type: expected Bearer, got "
              "\"Basic\" (use basic_auth for basic authentication)",
              "test.yaml:5:27: scrape_configs[1].authorization.type: expected Bearer, got "
              "\"Token\" (no other authorization type is supported)",
              "test.yaml:7:37: scrape_configs[2].authorization.user: unknown key \"user\" "
              "(expected one of: type, credentials, credentials_file)"});
}

TEST_CASE("file_sd_configs need file names ending in .json, .yml or .yaml", "[config][scrape]") {
  CHECK(problems(jobs(R"(
  - job_name: a
    file_sd_configs:
      - refresh_interval: 1m
      - files: []
      - files: [a.json, b.txt, "t/*/c.json", "t/*.yml", "t/x*y*.YAML", ""]
        refresh_interval: 0s
      -
)")) == lines{"test.yaml:4:7: scrape_configs[0].file_sd_configs[3]: expected a file_sd config (a "
              "mapping), got nothing",
              "test.yaml:4:9: scrape_configs[0].file_sd_configs[0]: missing required field "
              "\"files\"",
              "test.yaml:5:16: scrape_configs[0].file_sd_configs[1].files: expected a non-empty "
              "list of file names",
              "test.yaml:6:25: scrape_configs[0].file_sd_configs[2].files[1]: expected a file "
              "name ending in .json, .yml or .yaml, with \"*\" only in its last path element, "
              "got \"b.txt\"",
              "test.yaml:6:32: scrape_configs[0].file_sd_configs[2].files[2]: expected a file "
              "name ending in .json, .yml or .yaml, with \"*\" only in its last path element, "
              "got \"t/*/c.json\"",
              "test.yaml:6:72: scrape_configs[0].file_sd_configs[2].files[5]: expected a "
              "non-empty string, got \"\"",
              "test.yaml:7:27: scrape_configs[0].file_sd_configs[2].refresh_interval: expected "
              "a duration greater than 0, got \"0s\""});
}

// --- relabel rules ----------------------------------------------------------------

TEST_CASE("a bad relabel regex reports RE2's message", "[config][scrape][relabel]") {
  auto re2 = vigil::scrape::relabel_regex::compile("a(b");
  REQUIRE_FALSE(re2);
  CHECK(re2.error_value().message.find("missing )") != std::string::npos);
  CHECK(problems(jobs(R"(
  - job_name: a
    metric_relabel_configs:
      - {regex: "a(b", action: drop}
)")) == lines{"test.yaml:4:17: scrape_configs[0].metric_relabel_configs[0].regex: " +
              re2.error_value().message});
}

TEST_CASE("relabel fields are checked one by one", "[config][scrape][relabel]") {
  CHECK(problems(jobs(R"(
  - job_name: a
    relabel_configs:
      - source_labels: [ok, bad-name]
        target_label: x
      - {action: replaze, target_label: x}
      - {modulus: -1, action: hashmod, target_label: x}
      - {source_labels: a, target_label: x}
      - {target_label: x, sepparator: ","}
      -
)")) == lines{"test.yaml:4:7: scrape_configs[0].relabel_configs[5]: expected a relabel rule (a "
              "mapping), got nothing",
              "test.yaml:4:29: scrape_configs[0].relabel_configs[0].source_labels[1]: invalid "
              "label name \"bad-name\" (expected [a-zA-Z_][a-zA-Z0-9_]*)",
              "test.yaml:6:18: scrape_configs[0].relabel_configs[1].action: expected one of "
              "replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, "
              "labelkeep, lowercase, uppercase, got \"replaze\"",
              "test.yaml:7:19: scrape_configs[0].relabel_configs[2].modulus: expected an integer "
              ">= 0, got \"-1\"",
              "test.yaml:8:25: scrape_configs[0].relabel_configs[3].source_labels: expected a "
              "list, got \"a\"",
              "test.yaml:9:27: scrape_configs[0].relabel_configs[4].sepparator: unknown key "
              "\"sepparator\" (expected one of: source_labels, separator, regex, target_label, "
              "replacement, modulus, action)"});
}

TEST_CASE("relabel field combinations are checked as Prometheus does",
          "[config][scrape][relabel]") {
  CHECK(problems(jobs(R"(
  - job_name: a
    relabel_configs:
      - {source_labels: [a], action: hashmod, target_label: h}
      - {source_labels: [a]}
      - {source_labels: [a], target_label: 1x}
      - {source_labels: [a], target_label: "${1}_x"}
      - {source_labels: [a], action: labeldrop}
      - {action: lowercase, target_label: x, replacement: y}
      - {action: hashmod, modulus: 4, target_label: "$1"}
)")) == lines{"test.yaml:4:9: scrape_configs[0].relabel_configs[0]: relabel configuration for "
              "hashmod requires non-zero modulus",
              "test.yaml:5:9: scrape_configs[0].relabel_configs[1]: relabel configuration for "
              "replace action requires 'target_label' value",
              "test.yaml:6:9: scrape_configs[0].relabel_configs[2]: \"1x\" is invalid "
              "'target_label' for replace action",
              "test.yaml:8:9: scrape_configs[0].relabel_configs[4]: labeldrop action requires "
              "only 'regex', and no other fields",
              "test.yaml:9:9: scrape_configs[0].relabel_configs[5]: 'replacement' can not be set "
              "for lowercase action",
              "test.yaml:10:9: scrape_configs[0].relabel_configs[6]: \"$1\" is invalid "
              "'target_label' for hashmod action"});
}

TEST_CASE("relative paths resolve against the config file's directory", "[config][scrape]") {
  auto found = problems_in(jobs("  - {job_name: a, bearer_token: x, bearer_token_file: t}"),
                           "conf/vigil.yaml");
  CHECK(found == lines{"conf/vigil.yaml:2:55: scrape_configs[0].bearer_token_file: expected one "
                       "of basic_auth, authorization, bearer_token or bearer_token_file, not both "
                       "\"bearer_token\" and \"bearer_token_file\""});
  auto result = check_string(jobs("  - {job_name: a, basic_auth: {password_file: ../pw}}"),
                             "/srv/vigil/conf/vigil.yaml");
  REQUIRE(result.ok());
  CHECK(result.value.scrape_configs[0].basic->password_file == "/srv/vigil/pw");
}
