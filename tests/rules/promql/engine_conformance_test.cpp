// Runs Prometheus's PromQL test scripts (../shared/conformance/promql/*.test)
// against the engine: `load` writes into an in-memory queryable, `clear`
// empties it, `eval` runs an instant or range query and compares the result
// as promqltest does (values equal within a relative 1e-6, NaNs equal,
// series compared as sets unless `expect ordered`; `expect fail` with an
// optional msg or regex; `expect warn|info` lines must each match an
// annotation and together cover all of that kind, `expect no_warn|no_info`
// forbid that kind). Cases whose selectors match series loaded as native
// histograms, or that use experimental features not implemented yet, are
// skipped. With
// VIGIL_CONFORMANCE_VERBOSE set, every failing and skipped case is listed
// with its reason.
//
// The engine is incomplete, so the test only fails when a file passes fewer
// cases than recorded in `minimum_passed` below: raise the numbers as the
// engine grows.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>

#include "rules/promql/engine.hpp"
#include "rules/promql/literals.hpp"
#include "rules/promql/parser.hpp"
#include "storage/base/duration.hpp"

using namespace vigil;
using namespace vigil::promql;

namespace {

// Experimental features (behind Prometheus feature flags) the engine does
// not implement yet; cases using them are skipped, as the issue allows.
const std::vector<std::string> unimplemented_experimental = {"anchored", "smoothed"};

// Cases of each file that passed when last recorded; fewer is a regression.
const std::map<std::string, int> minimum_passed = {
    {"aggregators.test", 125},
    {"at_modifier.test", 45},
    {"collision.test", 2},
    {"duration_expression.test", 54},
    {"extended_vectors.test", 28},
    {"functions.test", 270},
    {"histograms.test", 79},
    {"info.test", 20},
    {"limit.test", 1},
    {"literals.test", 25},
    {"name_label_dropping.test", 29},
    {"native_histograms.test", 3},
    {"operators.test", 141},
    {"range_queries.test", 11},
    {"selectors.test", 31},
    {"staleness.test", 17},
    {"subquery.test", 32},
    {"trig_functions.test", 19},
    {"type_and_unit.test", 58},
};

struct tally {
  int passed = 0, failed = 0, skipped = 0;
};

// The annotations of one kind a case expects: `expect warn` lines (each a
// message, a regex, or anything: an empty regex), whether `expect no_warn`
// forbids them, whether the old `eval_warn` wants at least one.
struct expected_notes {
  std::vector<std::regex> patterns;
  bool none = false;
  bool some = false;
};

struct eval_case {
  int line = 0;
  std::string query;
  bool range = false;
  timestamp start = 0, end = 0;
  int64_t step = 0;
  timestamp points_start = 0;  // first point of expected series (range vector results)
  int64_t points_step = 0;
  bool expect_fail = false, ordered = false;
  std::string fail_msg, fail_regex, expected_string;
  bool has_string = false;
  std::string skip;                   // why the case is skipped, if it is
  std::vector<std::string> expected;  // series lines or a scalar
  expected_notes warn, info;
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// Reads `expect warn|info|no_warn|no_info [msg|regex: text]` into `c`.
void read_note_expectation(const std::string& line, eval_case& c) {
  static const std::regex syntax{R"(^expect\s+(no_)?(warn|info)(?:\s+(regex|msg):(.+))?$)"};
  std::smatch m;
  if (!std::regex_match(line, m, syntax)) return;
  expected_notes& notes = m[2] == "warn" ? c.warn : c.info;
  if (m[1].matched) {
    notes.none = true;
    return;
  }
  // Like Go's MatchString, a regex may match anywhere; a msg is the whole text.
  std::string text = trim(m[4]);
  if (m[3] == "msg")
    text = "^" + std::regex_replace(text, std::regex{R"([.^$|()\[\]{}*+?\\])"}, R"(\$&)") + "$";
  notes.patterns.emplace_back(m[3].matched ? text : "");
}

int64_t millis(const std::string& text) {
  if (text == "0") return 0;
  auto d = parse_duration(trim(text));
  if (!d) return std::llround(std::stod(text) * 1000);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d).count();
}

bool almost_equal(double a, double b) {
  if (is_stale_marker(a) || is_stale_marker(b)) return is_stale_marker(a) && is_stale_marker(b);
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  const double min_normal = 2.2250738585072014e-308;
  double sum = std::abs(a) + std::abs(b), diff = std::abs(a - b);
  if (a == 0 || b == 0 || sum < min_normal) return diff < 1e-6 * min_normal;
  return diff / std::min(sum, 1.7976931348623157e308) < 1e-6;
}

std::string unquote_text(std::string s) {
  s = trim(s);
  auto u = unquote(s);
  return u ? *u : s;
}

// Reads the lines after an eval command up to a blank line.
size_t read_expectations(const std::vector<std::string>& lines, size_t i, eval_case& c) {
  static const std::regex range_vec{R"(^expect range vector from (\S+) to (\S+) step (\S+)$)"};
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    const std::string& l = lines[i];
    std::smatch m;
    if (l.starts_with("expect fail")) {
      c.expect_fail = true;
      if (auto p = l.find("msg:"); p != std::string::npos)
        c.fail_msg = unquote_text(l.substr(p + 4));
      if (auto p = l.find("regex:"); p != std::string::npos)
        c.fail_regex = unquote_text(l.substr(p + 6));
    } else if (l.starts_with("expected_fail_message")) {
      c.fail_msg = trim(l.substr(21));
    } else if (l.starts_with("expected_fail_regexp")) {
      c.fail_regex = trim(l.substr(20));
    } else if (l == "expect ordered") {
      c.ordered = true;
    } else if (std::regex_match(l, m, range_vec)) {
      c.points_start = millis(m[1]);
      c.points_step = millis(m[3]);
    } else if (l.starts_with("expect string")) {
      c.has_string = true;
      c.expected_string = unquote_text(l.substr(13));
    } else if (l.starts_with("expect ")) {
      read_note_expectation(l, c);
    } else {
      if (c.skip.empty() && l.find("{{") != std::string::npos)
        c.skip = "expects native histogram values";
      c.expected.push_back(l);
    }
  }
  return i;
}

std::string compare_series(const eval_case& c, const matrix_value& got) {
  std::map<labels, const series_points*> actual;
  for (const auto& s : got) actual[s.metric] = &s;
  if (c.expected.size() != got.size())
    return "expected " + std::to_string(c.expected.size()) + " series, got " +
           std::to_string(got.size());
  for (const auto& line : c.expected) {
    auto desc = parse_series_desc(line);
    if (!desc.ok()) return "bad expected line " + line;
    auto it = actual.find(desc.value->metric);
    if (it == actual.end()) return "missing series " + desc.value->metric.to_string();
    std::vector<sample> want;
    for (size_t i = 0; i < desc.value->values.size(); ++i)
      if (desc.value->values[i])
        want.push_back({c.points_start + int64_t(i) * c.points_step, *desc.value->values[i]});
    const auto& have = it->second->points;
    if (want.size() != have.size()) return "point count differs for " + line;
    for (size_t i = 0; i < want.size(); ++i)
      if (want[i].t != have[i].t || !almost_equal(want[i].v, have[i].v))
        return "point " + std::to_string(i) + " differs for " + line + ": got " +
               format_number(have[i].v) + "@" + std::to_string(have[i].t);
  }
  return {};
}

std::string compare_vector(const eval_case& c, const vector_value& got) {
  if (c.expected.size() != got.size())
    return "expected " + std::to_string(c.expected.size()) + " elements, got " +
           std::to_string(got.size());
  for (size_t i = 0; i < c.expected.size(); ++i) {
    auto desc = parse_series_desc(c.expected[i]);
    if (!desc.ok() || desc.value->values.empty()) return "bad expected line " + c.expected[i];
    auto it = std::find_if(got.begin(), got.end(),
                           [&](const element& e) { return e.metric == desc.value->metric; });
    if (it == got.end()) return "missing " + desc.value->metric.to_string();
    if (c.ordered && size_t(it - got.begin()) != i) return "wrong order for " + c.expected[i];
    if (!almost_equal(*desc.value->values[0], it->v))
      return "value differs for " + c.expected[i] + ": got " + format_number(it->v);
  }
  return {};
}

std::string compare(const eval_case& c, const value& v) {
  if (auto* s = std::get_if<scalar_value>(&v)) {
    if (c.expected.size() != 1) return "unexpected scalar";
    auto want = parse_number(c.expected[0]);
    return want && almost_equal(*want, s->v) ? "" : "scalar differs: got " + format_number(s->v);
  }
  if (auto* s = std::get_if<string_value>(&v))
    return c.has_string && s->v == c.expected_string ? "" : "string differs: " + s->v;
  if (auto* m = std::get_if<matrix_value>(&v)) return compare_series(c, *m);
  return compare_vector(c, std::get<vector_value>(v));
}

expected<value> evaluate(const eval_case& c, queryable& q, const expr& e, annotations& notes) {
  engine eng;
  if (!c.range) return eng.eval_instant(q, e, c.start, {}, &notes);
  auto m = eng.eval_range(q, e, c.start, c.end, std::chrono::milliseconds{c.step}, {}, &notes);
  if (!m) return std::move(m).error_value();
  return value{std::move(*m)};
}

std::string joined(const std::set<std::string>& texts) {
  std::string out;
  for (const auto& t : texts) out += (out.empty() ? "" : "; ") + t;
  return out;
}

// How the annotations of one kind miss what the case expects, as
// promqltest checks them; "" if they do not.
std::string check_notes(const std::string& kind, const expected_notes& want,
                        const std::set<std::string>& got) {
  auto matches = [](const std::regex& re, const std::string& text) {
    return std::regex_search(text, re);
  };
  if ((want.some || !want.patterns.empty()) && got.empty())
    return "expected " + kind + " annotations, got none";
  for (const auto& re : want.patterns)
    if (std::none_of(got.begin(), got.end(), [&](const auto& g) { return matches(re, g); }))
      return "no " + kind + " annotation matches an expectation; got: " + joined(got);
  for (const auto& g : got) {
    bool expected = std::any_of(want.patterns.begin(), want.patterns.end(),
                                [&](const auto& re) { return matches(re, g); });
    if (!want.patterns.empty() && !expected) return "unexpected " + kind + " annotation " + g;
    if (want.none) return "unexpected " + kind + " annotation " + g;
  }
  return {};
}

// Runs one case; "" when it passed, otherwise why not.
std::string run_case(const eval_case& c, queryable& q) {
  auto parsed = parse_expr(c.query, parse_options::all_enabled());
  std::string error;
  std::optional<value> result;
  annotations notes;
  if (!parsed.ok()) {
    error = parsed.errors.front().to_string();
  } else {
    auto r = evaluate(c, q, **parsed.value, notes);
    if (r)
      result = std::move(*r);
    else
      error = r.error_value().message;
  }
  if (c.expect_fail) {
    if (result) return "expected failure, got a result";
    if (!c.fail_msg.empty() && error.find(c.fail_msg) == std::string::npos)
      return "error \"" + error + "\" is not \"" + c.fail_msg + "\"";
    if (!c.fail_regex.empty() && !std::regex_search(error, std::regex{c.fail_regex}))
      return "error \"" + error + "\" does not match " + c.fail_regex;
    return {};
  }
  if (!result) return "error: " + error;
  for (auto why :
       {check_notes("warn", c.warn, notes.warnings), check_notes("info", c.info, notes.infos)})
    if (!why.empty()) return why;
  return compare(c, *result);
}

// Loads the series lines after `load <interval>`; the labels of native
// histogram series (and, for load_with_nhcb, of the histograms made from
// classic buckets) go to `histograms`.
size_t load(const std::vector<std::string>& lines, size_t i, memory_queryable& q,
            std::vector<labels>& histograms, bool nhcb) {
  int64_t interval = millis(lines[i].substr(lines[i].find(' ') + 1));
  for (++i; i < lines.size() && !lines[i].empty(); ++i) {
    const std::string& l = lines[i];
    if (l.find("{{") != std::string::npos) {
      if (auto desc = parse_series_desc(l.substr(0, l.find("{{"))); desc.ok())
        histograms.push_back(desc.value->metric);
      continue;
    }
    auto desc = parse_series_desc(l);
    if (!desc.ok()) continue;
    const labels& ls = desc.value->metric;
    if (nhcb && ls.metric_name().ends_with("_bucket")) {
      std::vector<label> pairs;
      for (const auto& l : ls)
        if (l.name != "le") pairs.push_back(l);
      for (auto& l : pairs)
        if (l.name == metric_name_label) l.value.resize(l.value.size() - 7);
      histograms.push_back(labels::from_sorted(std::move(pairs)));
    }
    std::vector<sample> samples;
    for (size_t k = 0; k < desc.value->values.size(); ++k)
      if (desc.value->values[k]) samples.push_back({int64_t(k) * interval, *desc.value->values[k]});
    q.add(ls, samples);
  }
  return i;
}

// Why a query cannot be checked without native histograms: one of its
// selectors matches a series loaded as one. "" if none does.
std::string selects_histogram(const expr& e, const std::vector<labels>& histograms) {
  if (e.is<vector_selector>()) {
    for (const auto& h : histograms) {
      const auto& ms = e.as<vector_selector>().matchers;
      if (std::all_of(ms.begin(), ms.end(),
                      [&](const index::matcher& m) { return m.matches(h.get(m.name())); }))
        return "selects " + h.to_string() + ", loaded as a native histogram";
    }
  }
  for (const expr* child : children(e))
    if (auto why = selects_histogram(*child, histograms); !why.empty()) return why;
  return {};
}

// Whether `query` names the metric `name` (as a whole identifier).
bool mentions(const std::string& query, const std::string& name) {
  auto ident = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == ':';
  };
  for (size_t p = query.find(name); p != std::string::npos; p = query.find(name, p + 1)) {
    size_t end = p + name.size();
    if ((p == 0 || !ident(query[p - 1])) && (end == query.size() || !ident(query[end])))
      return true;
  }
  return false;
}

eval_case parse_eval(const std::string& line, int number) {
  static const std::regex instant{
      R"(^eval(?:_(fail|warn|ordered|info))?\s+instant\s+at\s+(\S+)\s+(.+)$)"};
  static const std::regex range{
      R"(^eval(?:_(fail|warn|info))?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$)"};
  eval_case c;
  c.line = number;
  std::smatch m;
  if (std::regex_match(line, m, instant)) {
    c.start = c.end = millis(m[2]);
    c.query = m[3];
  } else if (std::regex_match(line, m, range)) {
    c.range = true;
    c.start = millis(m[2]);
    c.end = millis(m[3]);
    c.step = millis(m[4]);
    c.query = m[5];
    c.points_start = c.start;
    c.points_step = c.step;
  }
  c.expect_fail = m[1] == "fail";
  c.ordered = m[1] == "ordered";
  c.warn.some = m[1] == "warn";
  c.info.some = m[1] == "info";
  return c;
}

tally run_script(const std::filesystem::path& path, std::vector<std::string>& failures,
                 std::vector<std::string>& skips) {
  std::ifstream in{path};
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    lines.push_back(trim(l).starts_with("#") ? "" : trim(l));
  memory_queryable q;
  std::vector<labels> histograms;
  tally t;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == "clear") {
      q.clear();
      histograms.clear();
    } else if (lines[i].starts_with("load")) {
      i = load(lines, i, q, histograms, lines[i].starts_with("load_with_nhcb"));
    } else if (lines[i].starts_with("eval")) {
      eval_case c = parse_eval(lines[i], int(i + 1));
      i = read_expectations(lines, i + 1, c);
      if (auto parsed = parse_expr(c.query, parse_options::all_enabled());
          c.skip.empty() && parsed.ok())
        c.skip = selects_histogram(**parsed.value, histograms);
      for (const auto& feature : unimplemented_experimental)
        if (c.skip.empty() && mentions(c.query, feature))
          c.skip = "needs the experimental " + feature + ", not implemented";
      if (!c.skip.empty()) {
        ++t.skipped;  // native histograms are not supported
        skips.push_back(path.filename().string() + ":" + std::to_string(c.line) + ": " + c.query +
                        ": " + c.skip);
        continue;
      }
      std::string why = run_case(c, q);
      if (why.empty()) {
        ++t.passed;
      } else {
        ++t.failed;
        failures.push_back(path.filename().string() + ":" + std::to_string(c.line) + ": " +
                           c.query + ": " + why);
      }
    }
  }
  return t;
}

}  // namespace

TEST_CASE("the engine passes Prometheus's PromQL test scripts", "[promql][conformance]") {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  REQUIRE(source != nullptr);
  const auto root = std::filesystem::path{source} / ".." / "shared" / "conformance" / "promql";
  std::vector<std::filesystem::path> scripts;
  for (const auto& entry : std::filesystem::directory_iterator{root})
    if (entry.path().extension() == ".test") scripts.push_back(entry.path());
  std::sort(scripts.begin(), scripts.end());
  REQUIRE(!scripts.empty());
  tally total;
  std::vector<std::string> failures, skips, regressions;
  for (const auto& script : scripts) {
    tally t = run_script(script, failures, skips);
    std::string file = script.filename().string();
    std::cout << "engine conformance " << file << ": " << t.passed << " passed, " << t.failed
              << " failed, " << t.skipped << " skipped\n";
    total.passed += t.passed;
    total.failed += t.failed;
    total.skipped += t.skipped;
    auto floor = minimum_passed.find(file);
    if (floor != minimum_passed.end() && t.passed < floor->second)
      regressions.push_back(file + ": " + std::to_string(t.passed) + " passed, at least " +
                            std::to_string(floor->second) + " expected");
  }
  std::cout << "engine conformance total: " << total.passed << " passed, " << total.failed
            << " failed, " << total.skipped
            << " skipped (native histograms, unimplemented experimental features)\n";
  // Every failing and skipped case, with the reason.
  if (std::getenv("VIGIL_CONFORMANCE_VERBOSE")) {
    for (const auto& f : failures) std::cout << "  failed: " << f << "\n";
    for (const auto& k : skips) std::cout << "  skipped: " << k << "\n";
  }
  std::string report;
  for (const auto& r : regressions) report += r + "\n";
  INFO(report);
  CHECK(regressions.empty());
}
