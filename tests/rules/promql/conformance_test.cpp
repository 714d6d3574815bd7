// Runs the parser over Prometheus's own PromQL test scripts
// (../shared/conformance/promql/*.test, read in place): every query of a
// case that does not expect failure must parse and print back to a fixed
// point; every series line of `load` and of expected results must parse,
// except native histograms, which vigil does not support.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "rules/promql/literals.hpp"
#include "rules/promql/parser.hpp"
#include "rules/promql/printer.hpp"

using namespace vigil::promql;

namespace {

struct tally {
  int queries = 0;         // cases expected to succeed
  int parsed = 0;          // ... of which parsed and printed to a fixed point
  int failing_cases = 0;   // cases expecting failure (at parse or evaluation)
  int failing_parsed = 0;  // ... of which nevertheless parse
  int series = 0;          // load and expected-result series lines
  int series_parsed = 0;
  int native_histograms = 0;  // series lines skipped: {{...}} values
  std::vector<std::string> problems;
};

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

// The script's lines as Prometheus reads them: trimmed, comments blanked.
std::vector<std::string> script_lines(const std::filesystem::path& file) {
  std::ifstream in{file};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    lines.push_back(line.starts_with("#") ? std::string{} : line);
  }
  return lines;
}

void check_query(const std::string& where, const std::string& query, bool expect_fail, tally& t) {
  auto first = parse_expr(query, parse_options::all_enabled());
  if (expect_fail) {
    ++t.failing_cases;
    if (first.ok()) ++t.failing_parsed;
    return;
  }
  ++t.queries;
  if (!first.ok()) {
    t.problems.push_back(where + ": " + query + " -> " + first.errors.front().to_string());
    return;
  }
  std::string printed = to_string(**first.value);
  auto second = parse_expr(printed, parse_options::all_enabled());
  if (!second.ok()) {
    t.problems.push_back(where + ": printed form does not parse: " + printed + " -> " +
                         second.errors.front().to_string());
  } else if (!same_tree(**first.value, **second.value) || to_string(**second.value) != printed) {
    t.problems.push_back(where + ": print/parse is not a fixed point: " + query + " -> " + printed);
  } else {
    ++t.parsed;
  }
}

void check_series(const std::string& where, const std::string& line, tally& t) {
  ++t.series;
  if (line.find("{{") != std::string::npos) {
    ++t.native_histograms;
    return;
  }
  auto r = parse_series_desc(line);
  if (r.ok())
    ++t.series_parsed;
  else
    t.problems.push_back(where + ": " + line + " -> " + r.errors.front().to_string());
}

// One `eval` command and its expectation lines; returns the last line used.
size_t check_eval(const std::string& file, const std::vector<std::string>& lines, size_t i,
                  tally& t) {
  static const std::regex instant{
      R"(^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$)"};
  static const std::regex range{
      R"(^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$)"};
  static const std::regex expect_fail{R"(^expect\s+fail\b.*$)"};
  std::string where = file + ":" + std::to_string(i + 1);
  std::smatch m;
  std::string query, modifier;
  if (std::regex_match(lines[i], m, instant)) {
    modifier = m[1];
    query = m[3];
  } else if (std::regex_match(lines[i], m, range)) {
    modifier = m[1];
    query = m[5];
  } else {
    t.problems.push_back(where + ": not an eval command: " + lines[i]);
    return i;
  }
  bool fails = modifier == "fail";
  size_t j = i + 1;
  for (; j < lines.size() && !lines[j].empty(); ++j) {
    const std::string& line = lines[j];
    if (line.starts_with("expected_fail_") || line.starts_with("expect range vector") ||
        line.starts_with("expect string"))
      continue;
    if (line.starts_with("expect ")) {
      fails = fails || std::regex_match(line, expect_fail);
      continue;
    }
    if (!parse_number(line)) check_series(file + ":" + std::to_string(j + 1), line, t);
  }
  check_query(where, query, fails, t);
  return j - 1;
}

void check_script(const std::filesystem::path& path, tally& t) {
  const std::string file = path.filename().string();
  auto lines = script_lines(path);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || line == "clear") continue;
    if (line.starts_with("load")) {
      for (; i + 1 < lines.size() && !lines[i + 1].empty(); ++i)
        check_series(file + ":" + std::to_string(i + 2), lines[i + 1], t);
    } else if (line.starts_with("eval")) {
      i = check_eval(file, lines, i, t);
    } else {
      t.problems.push_back(file + ":" + std::to_string(i + 1) + ": unknown command " + line);
    }
  }
}

}  // namespace

TEST_CASE("every query and series of Prometheus's PromQL test scripts parses",
          "[promql][conformance]") {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  REQUIRE(source != nullptr);
  const auto root = std::filesystem::path{source} / ".." / "shared" / "conformance" / "promql";
  REQUIRE(std::filesystem::is_directory(root));
  std::vector<std::filesystem::path> scripts;
  for (const auto& entry : std::filesystem::directory_iterator{root})
    if (entry.path().extension() == ".test") scripts.push_back(entry.path());
  std::sort(scripts.begin(), scripts.end());
  REQUIRE(scripts.size() >= 19);

  tally t;
  for (const auto& script : scripts) check_script(script, t);

  std::cout << "PromQL conformance scripts: " << scripts.size() << " files; " << t.parsed << "/"
            << t.queries << " queries parse and print to a fixed point; " << t.failing_parsed << "/"
            << t.failing_cases << " queries of expect-fail cases parse; " << t.series_parsed << "/"
            << t.series << " series lines parse, " << t.native_histograms
            << " skipped (native histograms)\n";
  std::ostringstream problems;
  for (const auto& p : t.problems) problems << p << "\n";
  INFO(problems.str());
  CHECK(t.problems.empty());
  CHECK(t.parsed == t.queries);
  CHECK(t.queries > 1000);
}
