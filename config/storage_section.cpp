// The `storage` section: tier retention with per-metric rules, and the WAL.

#include "config/sections.hpp"
#include "rules/promql/parser.hpp"

namespace vigil::config::detail {
namespace {

struct selector {
  std::string text;
  std::vector<index::matcher> matchers;
};

// A series selector in PromQL, e.g. {__name__=~"debug_.*", env!="prod"}.
std::optional<selector> as_selector(const value& v, collector& out) {
  auto text = as_non_empty_string(v, out);
  if (!text) return std::nullopt;
  auto parsed = promql::parse_selector(*text);
  if (!parsed.ok()) {
    out.report(v, "invalid series selector " + describe(v.node) + ": " +
                      parsed.errors.front().to_string());
    return std::nullopt;
  }
  return selector{std::move(*text), std::move(*parsed.value)};
}

// raw <= rollup_1m <= rollup_1h, each > 0; absent keys keep `t`'s values.
template <class Tiers>
void read_tiers(mapping& m, Tiers& t) {
  m.read("raw", t.raw, as_positive_duration);
  m.read("rollup_1m", t.rollup_1m, as_positive_duration);
  m.read("rollup_1h", t.rollup_1h, as_positive_duration);
  check_order(m, "raw", t.raw, "rollup_1m", t.rollup_1m);
  check_order(m, "rollup_1m", t.rollup_1m, "rollup_1h", t.rollup_1h);
}

}  // namespace

void read_storage(mapping& m, storage_config& out) {
  m.section("retention", [&](mapping& r) {
    auto& ret = out.retention;
    read_tiers(r, ret);
    auto rules = r.field("rules");
    if (!rules) return;
    r.each_mapping(*rules, [&](mapping& item, size_t) {
      // Tiers a rule leaves out are the defaults'.
      retention_rule_config rule;
      rule.raw = ret.raw;
      rule.rollup_1m = ret.rollup_1m;
      rule.rollup_1h = ret.rollup_1h;
      std::optional<selector> sel;
      (void)item.read_required("selector", sel, as_selector);
      read_tiers(item, rule);
      if (!sel) return;
      rule.selector = std::move(sel->text);
      rule.matchers = std::move(sel->matchers);
      ret.rules.push_back(std::move(rule));
    });
  });
  m.section("wal", [&](mapping& w) {
    using enum fsync_policy;
    w.read("fsync", out.wal.fsync, one_of<fsync_policy>({always, batch, never}));
    w.read("fsync_batch", out.wal.fsync_batch, as_positive_duration);
  });
}

}  // namespace vigil::config::detail
