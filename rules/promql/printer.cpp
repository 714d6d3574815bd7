#include "rules/promql/printer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "rules/promql/literals.hpp"
#include "rules/promql/token.hpp"
#include "storage/base/labels.hpp"

namespace vigil::promql {
namespace {

// Label names in by(...), on(...), group_left(...) are quoted unless they
// are valid (legacy) metric names, and also when they would lex as
// something a label list does not take (without, inf, nan).
void write_label_list(std::string& out, const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    auto k = keyword(names[i]);
    bool bare = valid_metric_name(names[i]) &&
                (!k || (*k != token_kind::number && *k != token_kind::without));
    out += bare ? names[i] : quote(names[i]);
  }
}

std::string matcher_text(const index::matcher& m) {
  std::string out = valid_label_name(m.name()) ? m.name() : quote(m.name());
  out += index::to_string(m.op());
  out += quote(m.value());
  return out;
}

// Prometheus's model.Duration: years and weeks only when they divide the
// duration exactly ("90d", not the "12w6d" of format_duration).
std::string duration_text(duration d) {
  constexpr int64_t day = 24 * 3600 * 1000, week = 7 * day, year = 365 * day;
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out = ms < 0 ? "-" : "";
  ms = ms < 0 ? -ms : ms;
  if (ms % year == 0) return out + std::to_string(ms / year) + "y";
  if (ms % week == 0) return out + std::to_string(ms / week) + "w";
  if (ms >= day) out += std::to_string(ms / day) + "d";
  if (ms % day != 0) out += format_duration(duration{ms % day});
  return out;
}

// Milliseconds as seconds with three decimals (Go's %.3f of ms/1000).
std::string seconds_text(timestamp ms) {
  uint64_t magnitude = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  std::string fraction = std::to_string(magnitude % 1000);
  std::string out = ms < 0 ? "-" : "";
  out += std::to_string(magnitude / 1000);
  out += '.';
  out.append(3 - fraction.size(), '0');
  out += fraction;
  return out;
}

class printer {
 public:
  explicit printer(std::string& out) : out_(out) {}

  void write(const expr& e) {
    std::visit([&](const auto& node) { write_node(node); }, e.node);
  }

 private:
  void write_node(const number_literal& n) {
    if (!n.is_duration) {
      out_ += format_number(n.value);
      return;
    }
    if (std::signbit(n.value)) out_ += '-';  // -0s too, so it reads back as -0
    out_ += duration_text(duration{std::llround(std::abs(n.value) * 1000.0)});
  }

  void write_node(const string_literal& s) { out_ += quote(s.value); }

  // The metric name and every matcher but the one the name stands for.
  void write_selector(const vector_selector& v) {
    std::vector<std::string> shown;
    for (const auto& m : v.matchers) {
      bool is_name = m.name() == metric_name_label && m.op() == index::match_op::equal &&
                     m.value() == v.name && !m.value().empty();
      if (!is_name) shown.push_back(matcher_text(m));
    }
    std::sort(shown.begin(), shown.end());
    out_ += v.name;
    if (shown.empty()) return;
    out_ += '{';
    for (size_t i = 0; i < shown.size(); ++i) {
      if (i > 0) out_ += ',';
      out_ += shown[i];
    }
    out_ += '}';
  }

  void write_at(const at_modifier& at) {
    switch (at.what) {
      case at_modifier::kind::none:
        break;
      case at_modifier::kind::time:
        out_ += " @ " + seconds_text(at.time);
        break;
      case at_modifier::kind::start:
        out_ += " @ start()";
        break;
      case at_modifier::kind::end:
        out_ += " @ end()";
        break;
    }
  }

  void write_offset(duration offset, const expr_ptr& offset_expr) {
    if (offset_expr) {
      out_ += " offset ";
      write(*offset_expr);
    } else if (offset.count() != 0) {
      out_ += " offset ";
      out_ += duration_text(offset);
    }
  }

  void write_extended(const vector_selector& v) {
    if (v.anchored)
      out_ += " anchored";
    else if (v.smoothed)
      out_ += " smoothed";
  }

  void write_duration(duration value, const expr_ptr& expression) {
    if (expression)
      write(*expression);
    else
      out_ += duration_text(value);
  }

  void write_node(const vector_selector& v) {
    write_selector(v);
    write_at(v.at);
    write_extended(v);
    write_offset(v.offset, v.offset_expr);
  }

  void write_node(const matrix_selector& m) {
    const auto& v = m.selector->as<vector_selector>();
    write_selector(v);
    out_ += '[';
    write_duration(m.range, m.range_expr);
    out_ += ']';
    write_extended(v);
    write_at(v.at);
    write_offset(v.offset, v.offset_expr);
  }

  void write_node(const subquery& s) {
    write(*s.inner);
    out_ += '[';
    write_duration(s.range, s.range_expr);
    out_ += ':';
    if (s.step.count() != 0 || s.step_expr) write_duration(s.step, s.step_expr);
    out_ += ']';
    write_at(s.at);
    write_offset(s.offset, s.offset_expr);
  }

  void write_node(const call& c) {
    out_ += c.func ? c.func->name : std::string_view{"<unknown>"};
    out_ += '(';
    for (size_t i = 0; i < c.args.size(); ++i) {
      if (i > 0) out_ += ", ";
      write(*c.args[i]);
    }
    out_ += ')';
  }

  void write_node(const aggregate& a) {
    out_ += promql::to_string(a.op);
    if (a.without || !a.grouping.empty()) {
      out_ += a.without ? " without (" : " by (";
      write_label_list(out_, a.grouping);
      out_ += ") ";
    }
    out_ += '(';
    if (a.param) {
      write(*a.param);
      out_ += ", ";
    }
    if (a.inner) write(*a.inner);
    out_ += ')';
  }

  void write_node(const binary& b) {
    // Go prints +Inf with its sign, but "+Inf ^ 2" would parse as +(Inf ^ 2).
    bool bare_inf = b.op == binary_op::pow && b.lhs->is<number_literal>() &&
                    b.lhs->as<number_literal>().value == std::numeric_limits<double>::infinity();
    if (bare_inf)
      out_ += "Inf";
    else
      write(*b.lhs);
    out_ += ' ';
    out_ += promql::to_string(b.op);
    if (b.return_bool) out_ += " bool";
    if (b.matching) {
      const auto& m = *b.matching;
      bool grouped = m.card == cardinality::many_to_one || m.card == cardinality::one_to_many;
      if (!m.matching_labels.empty() || m.on || grouped) {
        out_ += m.on ? " on (" : " ignoring (";
        write_label_list(out_, m.matching_labels);
        out_ += ')';
      }
      if (grouped) {
        out_ += m.card == cardinality::many_to_one ? " group_left (" : " group_right (";
        write_label_list(out_, m.include);
        out_ += ')';
      }
    }
    out_ += ' ';
    write(*b.rhs);
  }

  void write_node(const unary& u) {
    out_ += u.op == unary_op::minus ? '-' : '+';
    write(*u.inner);
  }

  void write_node(const paren& p) {
    out_ += '(';
    write(*p.inner);
    out_ += ')';
  }

  void write_node(const duration_expr& d) {
    if (d.wrapped) out_ += '(';
    if (d.op == duration_op::step) {
      out_ += "step()";
    } else if (d.op == duration_op::min || d.op == duration_op::max) {
      out_ += to_string(d.op);
      out_ += '(';
      write(*d.lhs);
      out_ += ", ";
      write(*d.rhs);
      out_ += ')';
    } else if (!d.lhs) {
      if (d.op == duration_op::sub) out_ += '-';
      write(*d.rhs);
    } else {
      write(*d.lhs);
      out_ += ' ';
      out_ += to_string(d.op);
      out_ += ' ';
      write(*d.rhs);
    }
    if (d.wrapped) out_ += ')';
  }

  std::string& out_;
};

}  // namespace

std::string to_string(const expr& e) {
  std::string out;
  printer{out}.write(e);
  return out;
}

}  // namespace vigil::promql
