// file_sd files: target groups in JSON and YAML, and every problem with its
// position.

#include "config/file_sd.hpp"

#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "tests/config/test_util.hpp"

using namespace vigil::config;
using vigil::label;
using vigil::config::test::yaml;
using lines = std::vector<std::string>;

namespace {

std::vector<vigil::scrape::target_group> groups(std::string_view text, const std::string& file) {
  auto g = parse_target_groups(text, file);
  INFO((g ? std::string{} : g.error_value().message));
  REQUIRE(g);
  return std::move(*g);
}

// The problems in `text` as lines, or one line "ok" when there were none.
lines problems(std::string_view text, const std::string& file) {
  auto g = parse_target_groups(text, file);
  if (g) return {"ok"};
  CHECK(g.error_value().code == vigil::errc::parse_error);
  lines out;
  std::string_view message = g.error_value().message;
  while (!message.empty()) {
    auto end = message.find('\n');
    out.emplace_back(message.substr(0, end));
    message.remove_prefix(end == std::string_view::npos ? message.size() : end + 1);
  }
  return out;
}

}  // namespace

// --- valid files --------------------------------------------------------------

TEST_CASE("a JSON file yields its groups with source and __meta_filepath", "[config][file_sd]") {
  auto g = groups(R"([
  {"targets": ["a:9100", "b:9100"], "labels": {"env": "prod", "team": "db"}},
  {"targets": ["c:9100"]},
  {"labels": {"__meta_filepath": "spoofed", "x": ""}}
])",
                  "sd/targets.json");
  REQUIRE(g.size() == 3);
  CHECK(g[0].targets == std::vector<std::string>{"a:9100", "b:9100"});
  CHECK(g[0].labels == std::vector<label>{{"env", "prod"},
                                          {"team", "db"},
                                          {"__meta_filepath", "sd/targets.json"}});
  CHECK(g[0].source == "sd/targets.json:0");
  CHECK(g[1].targets == std::vector<std::string>{"c:9100"});
  CHECK(g[1].labels == std::vector<label>{{"__meta_filepath", "sd/targets.json"}});
  CHECK(g[1].source == "sd/targets.json:1");
  CHECK(g[2].targets.empty());
  CHECK(g[2].labels == std::vector<label>{{"x", ""}, {"__meta_filepath", "sd/targets.json"}});
  CHECK(groups("[]", "t.json").empty());
  CHECK(groups(R"([{"targets": null, "labels": null}])", "t.JSON").size() == 1);
}

TEST_CASE("a YAML file yields the same groups", "[config][file_sd]") {
  for (const char* file : {"t.yml", "t.yaml", "no-extension"}) {
    INFO(file);
    auto g = groups(yaml(R"(
- targets: [a:9100, "b:9100"]
  labels:
    env: prod
    port: 9100
- targets: [c:9100]
)"),
                    file);
    REQUIRE(g.size() == 2);
    CHECK(g[0].targets == std::vector<std::string>{"a:9100", "b:9100"});
    CHECK(g[0].labels ==
          std::vector<label>{{"env", "prod"}, {"port", "9100"}, {"__meta_filepath", file}});
    CHECK(g[1].source == std::string{file} + ":1");
  }
  CHECK(groups("", "t.yml").empty());
  CHECK(groups("[]", "t.yml").empty());
}

// --- JSON problems --------------------------------------------------------------

TEST_CASE("JSON problems are reported at their line and column", "[config][file_sd]") {
  CHECK(problems(R"([
  {"targets": ["a:1", "", 7],
   "labels": {"env": ["prod"], "1a": "x", "ok": 3, "b": null},
   "lables": {}},
  "group",
  {"targets": "a:1", "labels": ["x"]}
])",
                 "t.json") ==
        lines{"t.json:2:23: [0].targets[1]: expected a non-empty string, got \"\"",
              "t.json:2:27: [0].targets[2]: expected a non-empty string, got 7",
              "t.json:3:22: [0].labels.env: expected a string, got a list",
              "t.json:3:32: [0].labels.1a: invalid label name \"1a\" (expected "
              "[a-zA-Z_][a-zA-Z0-9_]*)",
              "t.json:3:49: [0].labels.ok: expected a string, got 3",
              "t.json:3:57: [0].labels.b: expected a string, got null",
              "t.json:4:4: [0].lables: unknown key \"lables\" (expected one of: targets, labels)",
              "t.json:5:3: [1]: expected a mapping, got \"group\"",
              "t.json:6:15: [2].targets: expected a list, got \"a:1\"",
              "t.json:6:32: [2].labels: expected a mapping, got a list"});
}

TEST_CASE("the example in file_sd.hpp is reported as documented", "[config][file_sd]") {
  CHECK(problems("[\n  {\"targets\": [\"a:1\"],\n   \"labels\": {\"env\": [\"x\"]}}\n]",
                 "t.json") == lines{"t.json:3:22: [0].labels.env: expected a string, got a list"});
  CHECK(problems("[{\"labels\": {\"env\": []}}]", "t.json") ==
        lines{"t.json:1:21: [0].labels.env: expected a string, got a list"});
}

TEST_CASE("JSON positions survive escapes, numbers and duplicate keys", "[config][file_sd]") {
  CHECK(problems(R"([{"labels": {"a\"b\\": "x", "c": 1.5e3}, "targets": [], "targets": []}])",
                 "t.json") ==
        lines{"t.json:1:14: [0].labels.a\"b\\: invalid label name \"a\"b\\\" (expected "
              "[a-zA-Z_][a-zA-Z0-9_]*)",
              "t.json:1:34: [0].labels.c: expected a string, got 1.5e3",
              "t.json:1:57: [0].targets: duplicate key \"targets\" (each key may appear once)"});
  CHECK(problems("42", "t.json") == lines{"t.json:1:1: <document>: expected a list, got 42"});
  CHECK(problems(" {\"targets\": []}", "t.json") ==
        lines{"t.json:1:2: <document>: expected a list, got a mapping"});
  CHECK(problems("[true, null]", "t.json") ==
        lines{"t.json:1:2: [0]: expected a mapping, got true",
              "t.json:1:8: [1]: expected a mapping, got null"});
}

TEST_CASE("JSON syntax errors are one line at nlohmann's position", "[config][file_sd]") {
  CHECK(problems("[\n  {\"targets\": [\"a:1\",]}\n]", "t.json") ==
        lines{"t.json:2:22: <document>: invalid JSON: syntax error while parsing value - "
              "unexpected ']'; expected '[', '{', or a literal"});
  CHECK(problems("[{\"targets\": tru}]", "t.json") ==
        lines{"t.json:1:17: <document>: invalid JSON: syntax error while parsing value - "
              "invalid literal; last read: '\"targets\": tru}'"});
  CHECK(problems("", "t.json") ==
        lines{"t.json:1:1: <document>: invalid JSON: syntax error while parsing value - "
              "unexpected end of input; expected '[', '{', or a literal"});
}

// --- YAML problems --------------------------------------------------------------

TEST_CASE("YAML problems are reported as the config loader reports them", "[config][file_sd]") {
  CHECK(problems(yaml(R"(
- targets: [a:1, "", [b]]
  labels: {env: [prod], 1a: x, b: }
  lables: {}
- group
-
)"),
                 "t.yml") ==
        lines{"t.yml:1:1: [2]: expected a target group (a mapping), got nothing",  // at its list
              "t.yml:1:18: [0].targets[1]: expected a non-empty string, got \"\"",
              "t.yml:1:22: [0].targets[2]: expected a non-empty string, got a list",
              "t.yml:2:17: [0].labels.env: expected a string, got a list",
              "t.yml:2:25: [0].labels.1a: invalid label name \"1a\" (expected "
              "[a-zA-Z_][a-zA-Z0-9_]*)",
              "t.yml:2:32: [0].labels.b: expected a string, got nothing",
              "t.yml:3:3: [0].lables: unknown key \"lables\" (expected one of: targets, labels)",
              "t.yml:4:3: [1]: expected a mapping, got \"group\""});
  CHECK(problems("targets: [a:1]\n", "t.yaml") ==
        lines{"t.yaml:1:1: <document>: expected a list, got a mapping"});
  CHECK(problems("- targets: [a:1\n", "t.yaml").size() == 1);
  CHECK(problems("- targets: [a:1\n", "t.yaml")[0].starts_with("t.yaml:"));
  CHECK(problems("- targets: [a:1\n", "t.yaml")[0].find(": <document>: invalid YAML: ") !=
        std::string::npos);
}
