#include "runtime/promql_json.hpp"

#include "runtime/api_params.hpp"

namespace vigil::runtime {
namespace {

using json = nlohmann::json;
using namespace promql;

json node_or_null(const expr_ptr& e) {
  return e ? to_json(*e) : json(nullptr);
}

json matchers(const std::vector<index::matcher>& ms) {
  json out = json::array();
  for (const auto& m : ms)
    out.push_back({{"name", m.name()}, {"value", m.value()}, {"type", index::to_string(m.op())}});
  return out;
}

json timestamp_of(const at_modifier& at) {
  return at.what == at_modifier::kind::time ? json(at.time) : json(nullptr);
}

json start_or_end(const at_modifier& at) {
  if (at.what == at_modifier::kind::start) return "start";
  if (at.what == at_modifier::kind::end) return "end";
  return nullptr;
}

// The fields a vector selector shares with the matrix selector around it.
json selector_fields(const vector_selector& vs) {
  return {{"name", vs.name},
          {"offset", vs.offset.count()},
          {"offsetExpr", node_or_null(vs.offset_expr)},
          {"matchers", matchers(vs.matchers)},
          {"timestamp", timestamp_of(vs.at)},
          {"startOrEnd", start_or_end(vs.at)},
          {"anchored", vs.anchored},
          {"smoothed", vs.smoothed}};
}

struct translate {
  json operator()(const number_literal& n) const {
    json out{{"type", "numberLiteral"}, {"val", format_api_float(n.value)}};
    if (n.is_duration) out["duration"] = true;
    return out;
  }
  json operator()(const string_literal& s) const {
    return {{"type", "stringLiteral"}, {"val", s.value}};
  }
  json operator()(const vector_selector& vs) const {
    auto out = selector_fields(vs);
    out["type"] = "vectorSelector";
    return out;
  }
  json operator()(const matrix_selector& m) const {
    auto out = selector_fields(m.selector->as<vector_selector>());
    out["type"] = "matrixSelector";
    out["range"] = m.range.count();
    out["rangeExpr"] = node_or_null(m.range_expr);
    return out;
  }
  json operator()(const subquery& s) const {
    return {{"type", "subquery"},
            {"expr", to_json(*s.inner)},
            {"range", s.range.count()},
            {"rangeExpr", node_or_null(s.range_expr)},
            {"offset", s.offset.count()},
            {"offsetExpr", node_or_null(s.offset_expr)},
            {"step", s.step.count()},
            {"stepExpr", node_or_null(s.step_expr)},
            {"timestamp", timestamp_of(s.at)},
            {"startOrEnd", start_or_end(s.at)}};
  }
  json operator()(const call& c) const {
    json args = json::array(), types = json::array();
    for (const auto& a : c.args) args.push_back(to_json(*a));
    for (auto t : c.func->arg_types) types.push_back(promql::to_string(t));
    return {{"type", "call"},
            {"func",
             {{"name", c.func->name},
              {"argTypes", std::move(types)},
              {"variadic", c.func->variadic},
              {"returnType", promql::to_string(c.func->return_type)}}},
            {"args", std::move(args)}};
  }
  json operator()(const aggregate& a) const {
    return {{"type", "aggregation"},     {"op", promql::to_string(a.op)},
            {"expr", to_json(*a.inner)}, {"param", node_or_null(a.param)},
            {"grouping", a.grouping},    {"without", a.without}};
  }
  json operator()(const binary& b) const {
    json matching = nullptr;
    if (b.matching)
      matching = {{"card", promql::to_string(b.matching->card)},
                  {"labels", b.matching->matching_labels},
                  {"on", b.matching->on},
                  {"include", b.matching->include},
                  {"fillValues", {{"lhs", nullptr}, {"rhs", nullptr}}}};
    return {{"type", "binaryExpr"},   {"op", promql::to_string(b.op)},   {"lhs", to_json(*b.lhs)},
            {"rhs", to_json(*b.rhs)}, {"matching", std::move(matching)}, {"bool", b.return_bool}};
  }
  json operator()(const unary& u) const {
    return {{"type", "unaryExpr"},
            {"op", u.op == unary_op::minus ? "-" : "+"},
            {"expr", to_json(*u.inner)}};
  }
  json operator()(const paren& p) const {
    return {{"type", "parenExpr"}, {"expr", to_json(*p.inner)}};
  }
  json operator()(const duration_expr& d) const {
    return {{"type", "durationExpr"},
            {"op", promql::to_string(d.op)},
            {"lhs", node_or_null(d.lhs)},
            {"rhs", node_or_null(d.rhs)},
            {"wrapped", d.wrapped}};
  }
};

}  // namespace

json to_json(const expr& e) {
  return std::visit(translate{}, e.node);
}

}  // namespace vigil::runtime
