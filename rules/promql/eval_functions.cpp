// Function calls: range functions are delegated to eval_range_functions.cpp;
// this file has the element-wise math functions, clamps, time functions,
// vector()/scalar(), absent(), label_replace/label_join and sorting.

#include "rules/promql/eval_functions.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <numbers>

namespace vigil::promql {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double (*math_function(std::string_view name))(double) {
  static const std::pair<std::string_view, double (*)(double)> table[] = {
      {"abs", [](double v) { return std::abs(v); }},
      {"ceil", [](double v) { return std::ceil(v); }},
      {"floor", [](double v) { return std::floor(v); }},
      {"exp", [](double v) { return std::exp(v); }},
      {"sqrt", [](double v) { return std::sqrt(v); }},
      {"ln", [](double v) { return std::log(v); }},
      {"log2", [](double v) { return std::log2(v); }},
      {"log10", [](double v) { return std::log10(v); }},
      {"sgn", [](double v) { return v > 0   ? 1.0
                                    : v < 0 ? -1.0
                                            : v; }},
      {"sin", [](double v) { return std::sin(v); }},
      {"cos", [](double v) { return std::cos(v); }},
      {"tan", [](double v) { return std::tan(v); }},
      {"asin", [](double v) { return std::asin(v); }},
      {"acos", [](double v) { return std::acos(v); }},
      {"atan", [](double v) { return std::atan(v); }},
      {"sinh", [](double v) { return std::sinh(v); }},
      {"cosh", [](double v) { return std::cosh(v); }},
      {"tanh", [](double v) { return std::tanh(v); }},
      {"asinh", [](double v) { return std::asinh(v); }},
      {"acosh", [](double v) { return std::acosh(v); }},
      {"atanh", [](double v) { return std::atanh(v); }},
      {"deg", [](double v) { return v * 180 / std::numbers::pi; }},
      {"rad", [](double v) { return v * std::numbers::pi / 180; }},
  };
  for (const auto& [n, f] : table)
    if (n == name) return f;
  return nullptr;
}

// The calendar field `name` of a Unix time in seconds (UTC).
double calendar(std::string_view name, double seconds) {
  std::time_t tt = std::time_t(std::floor(seconds));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  if (name == "minute") return tm.tm_min;
  if (name == "hour") return tm.tm_hour;
  if (name == "day_of_week") return tm.tm_wday;
  if (name == "day_of_month") return tm.tm_mday;
  if (name == "day_of_year") return tm.tm_yday + 1;
  if (name == "month") return tm.tm_mon + 1;
  if (name == "year") return tm.tm_year + 1900;
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int year = tm.tm_year + 1900;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return days[tm.tm_mon] + (tm.tm_mon == 1 && leap ? 1 : 0);
}

bool is_calendar(std::string_view name) {
  return name == "minute" || name == "hour" || name == "day_of_week" || name == "day_of_month" ||
         name == "day_of_year" || name == "month" || name == "year" || name == "days_in_month";
}

// absent()'s labels: those of the selector's equality matchers, unless a
// name is matched twice.
labels absent_labels(const expr& arg) {
  const expr* e = &arg;
  while (e->is<paren>()) e = e->as<paren>().inner.get();
  if (e->is<matrix_selector>()) e = e->as<matrix_selector>().selector.get();
  if (!e->is<vector_selector>()) return {};
  std::vector<label> pairs;
  std::vector<std::string> repeated;
  for (const auto& m : e->as<vector_selector>().matchers) {
    if (m.name() == metric_name_label) continue;
    auto same = [&](const label& l) { return l.name == m.name(); };
    if (std::any_of(pairs.begin(), pairs.end(), same)) repeated.push_back(m.name());
    if (m.op() == index::match_op::equal) pairs.push_back(label{m.name(), m.value()});
  }
  std::erase_if(pairs, [&](const label& l) {
    return std::find(repeated.begin(), repeated.end(), l.name) != repeated.end();
  });
  auto ls = labels::from(std::move(pairs));
  return ls ? *ls : labels{};
}

// Go's Expand template ($1, ${1}, ${name}, $$) as an RE2 rewrite (\\1).
std::string re2_rewrite(std::string_view go, const RE2& re) {
  std::string out;
  for (size_t i = 0; i < go.size(); ++i) {
    if (go[i] == '\\') out += "\\\\";
    if (go[i] != '$') {
      if (go[i] != '\\') out += go[i];
      continue;
    }
    if (i + 1 < go.size() && go[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    bool braced = i + 1 < go.size() && go[i + 1] == '{';
    size_t begin = i + 1 + braced, end = begin;
    while (end < go.size() && (std::isalnum(static_cast<unsigned char>(go[end])) || go[end] == '_'))
      ++end;
    std::string ref{go.substr(begin, end - begin)};
    i = end - 1 + (braced && end < go.size() && go[end] == '}');
    if (ref.empty()) continue;
    if (std::all_of(ref.begin(), ref.end(),
                    [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
      if (std::stoi(ref) <= re.NumberOfCapturingGroups()) out += "\\" + ref;
      continue;
    }
    auto named = re.NamedCapturingGroups().find(ref);
    if (named != re.NamedCapturingGroups().end()) out += "\\" + std::to_string(named->second);
  }
  return out;
}

expected<vector_value> label_replace(vector_value in, const std::vector<std::string>& s) {
  const std::string &dst = s[0], &replacement = s[1], &src = s[2], &pattern = s[3];
  RE2 re{"^(?s:" + pattern + ")$"};
  if (!re.ok()) return eval_error("invalid regular expression in label_replace(): " + pattern);
  if (!valid_label_name(dst))
    return eval_error("invalid destination label name in label_replace(): " + dst);
  std::string rewrite = re2_rewrite(replacement, re);
  for (auto& el : in) {
    std::string result{el.metric.get(src)};
    if (!RE2::Replace(&result, re, rewrite)) continue;
    el.metric = with_label(el.metric, dst, result);
    if (dst == metric_name_label) el.drop_name = false;
  }
  return in;
}

vector_value label_join(vector_value in, const std::vector<std::string>& s) {
  for (auto& el : in) {
    std::string joined;
    for (size_t i = 2; i < s.size(); ++i)
      joined += (i > 2 ? s[1] : "") + std::string{el.metric.get(s[i])};
    el.metric = with_label(el.metric, s[0], joined);
    if (s[0] == metric_name_label) el.drop_name = false;
  }
  return in;
}

// Runs of digits and of other characters: "a10b" is "a", "10", "b".
std::vector<std::string_view> chunks(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    bool digit = std::isdigit(static_cast<unsigned char>(s[i]));
    size_t j = i;
    while (j < s.size() && bool(std::isdigit(static_cast<unsigned char>(s[j]))) == digit) ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// The natural order sort_by_label uses (facette/natsort): digit runs
// compare as numbers, everything else as strings.
bool natural_less(std::string_view a, std::string_view b) {
  auto ca = chunks(a), cb = chunks(b);
  for (size_t i = 0; i < ca.size(); ++i) {
    if (i >= cb.size()) return false;
    bool numeric = std::isdigit(static_cast<unsigned char>(ca[i][0])) &&
                   std::isdigit(static_cast<unsigned char>(cb[i][0]));
    if (numeric && std::stoll(std::string{ca[i]}) != std::stoll(std::string{cb[i]}))
      return std::stoll(std::string{ca[i]}) < std::stoll(std::string{cb[i]});
    if (!numeric && ca[i] != cb[i]) return ca[i] < cb[i];
    if (i == ca.size() - 1) return true;
    if (i == cb.size() - 1) return false;
  }
  return false;
}

void sort_by_label(vector_value& v, const std::vector<std::string>& names, bool desc) {
  std::stable_sort(v.begin(), v.end(), [&](const element& a, const element& b) {
    for (const auto& n : names) {
      auto x = a.metric.get(n), y = b.metric.get(n);
      if (x != y) return natural_less(x, y) != desc;
    }
    return desc ? b.metric < a.metric : a.metric < b.metric;
  });
}

}  // namespace

expected<value> evaluator::eval_call(const call& c, timestamp t) {
  std::string_view name = c.func->name;
  std::vector<double> scalars;
  std::vector<std::string> strings;
  std::optional<vector_value> vec;
  std::optional<windowed_matrix> mat;
  for (const auto& arg : c.args) {
    if (arg->type() == value_type::matrix) {
      auto m = eval_matrix(*arg, t);
      if (!m) return std::move(m).error_value();
      mat = std::move(*m);
      continue;
    }
    auto v = eval(*arg, t);
    if (!v) return v;
    if (auto* s = std::get_if<scalar_value>(&*v)) scalars.push_back(s->v);
    if (auto* s = std::get_if<string_value>(&*v)) strings.push_back(s->v);
    if (auto* x = std::get_if<vector_value>(&*v)) vec = std::move(*x);
  }
  auto map_values = [&](auto f) {
    for (auto& el : *vec) {
      el.v = f(el.v);
      el.t = t;
      el.drop_name = true;
    }
    return value{std::move(*vec)};
  };
  if (mat && is_range_function(name))
    return value{range_function(name, *mat, scalars, t, notes_)};
  if (name == "absent_over_time")
    return value{mat->series.empty() ? vector_value{element{absent_labels(*c.args[0]), 1, t, false}}
                                     : vector_value{}};
  if (auto f = math_function(name)) return map_values(f);
  if (name == "time") return value{scalar_value{double(t) / 1000}};
  if (name == "pi") return value{scalar_value{std::numbers::pi}};
  if (name == "vector") return value{vector_value{element{{}, scalars.at(0), t, false}}};
  if (name == "scalar") return value{scalar_value{vec->size() == 1 ? vec->front().v : nan}};
  if (name == "absent")
    return value{vec->empty() ? vector_value{element{absent_labels(*c.args[0]), 1, t, false}}
                              : vector_value{}};
  if (name == "timestamp") {
    const expr* arg = c.args[0].get();
    while (arg->is<paren>()) arg = arg->as<paren>().inner.get();
    bool selector = arg->is<vector_selector>();
    return map_values(
        [&, i = size_t{0}](double) mutable { return double(selector ? (*vec)[i++].t : t) / 1000; });
  }
  if (is_calendar(name)) {
    if (!vec) return value{vector_value{element{{}, calendar(name, double(t) / 1000), t, false}}};
    return map_values([&](double v) { return std::isnan(v) ? v : calendar(name, v); });
  }
  if (name == "round") {
    double inverse = 1 / (scalars.empty() ? 1.0 : scalars[0]);
    return map_values([&](double v) { return std::floor(v * inverse + 0.5) / inverse; });
  }
  if (name == "clamp" || name == "clamp_min" || name == "clamp_max") {
    double lo = name == "clamp_max" ? -INFINITY : scalars.at(0);
    double hi = name == "clamp" ? scalars.at(1) : name == "clamp_max" ? scalars.at(0) : INFINITY;
    if (hi < lo) return value{vector_value{}};
    return map_values([&](double v) { return std::max(lo, std::min(hi, v)); });
  }
  if (name == "label_replace") {
    auto r = label_replace(std::move(*vec), strings);
    if (!r) return std::move(r).error_value();
    return value{std::move(*r)};
  }
  if (name == "histogram_quantile")
    return value{histogram_quantile(scalars.at(0), *vec, t, notes_)};
  if (name == "histogram_fraction")
    return value{histogram_fraction(scalars.at(0), scalars.at(1), *vec, t, notes_)};
  if (name == "label_join") return value{label_join(std::move(*vec), strings)};
  if (name == "sort_by_label" || name == "sort_by_label_desc") {
    sort_by_label(*vec, strings, name == "sort_by_label_desc");
    return value{std::move(*vec)};
  }
  if (name == "sort" || name == "sort_desc") {
    bool desc = name == "sort_desc";
    std::stable_sort(vec->begin(), vec->end(), [desc](const element& a, const element& b) {
      if (std::isnan(a.v)) return false;
      if (std::isnan(b.v)) return true;
      return desc ? a.v > b.v : a.v < b.v;
    });
    return value{std::move(*vec)};
  }
  return eval_error("function " + std::string{name} + "() is not supported");
}

}  // namespace vigil::promql
