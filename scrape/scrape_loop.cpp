#include "scrape/scrape_loop.hpp"

#include <algorithm>
#include <array>
#include <functional>

#include "runtime/wire/exposition_parser.hpp"

namespace vigil::scrape {
namespace {

constexpr std::array<std::string_view, 5> report_names{
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
};

struct string_hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

std::string clipped(std::string_view s) {
  return std::string{s.substr(0, 50)};
}

}  // namespace

struct scrape_loop::entry {
  std::string_view text;  // the cache's key: the series as written
  labels ls;              // final labels; empty when dropped
  uint64_t hash = 0;
  uint32_t ref = series_write::no_ref;
  uint64_t last_seen = 0;     // the scrape (iteration) it was last in
  uint64_t last_tracked = 0;  // ... without a timestamp of its own (staleness)
  bool dropped = false;
};

struct scrape_loop::state {
  scrape_options opts;
  std::unordered_map<std::string, entry, string_hash, std::equal_to<>> cache;
  std::array<entry, report_names.size()> reports;
  uint64_t iteration = 0;             // scrapes so far, failed ones included
  std::vector<entry*> batch_entries;  // the last batch's entries, by index
  // The series of the last scrape in the order of its body (each once),
  // and of this one so far. Targets write their series in the same order
  // every time, so the n-th series is usually the previous scrape's n-th:
  // comparing the text with it skips hashing and probing the cache. The
  // last scrape's series are also those that may go stale now.
  std::vector<entry*> order, next_order;
  // The series the last scrape lacked of the one before: forgotten unless
  // this scrape has them (the cache holds the last two scrapes' series).
  std::vector<entry*> departed;
  // What the scrape in progress changed, undone if it fails further on
  // (kept between scrapes for its memory).
  struct touched {
    entry* e;
    uint64_t last_seen, last_tracked;
  };
  std::vector<touched> undo;
  wire::label_buffer buffer;
  struct family {
    metric_metadata meta;
    uint64_t seen = 0;  // the scrape that last mentioned it
  };
  std::map<std::string, family, std::less<>> families;

  // Records a TYPE, HELP or UNIT line; true if it changed something.
  bool note(const wire::exposition_parser& parser, wire::entry_kind kind) {
    auto name = parser.metric_name();
    auto it = families.find(name);
    if (it == families.end()) it = families.emplace(std::string{name}, family{}).first;
    it->second.seen = iteration;
    auto& m = it->second.meta;
    auto set = [](std::string& field, std::string_view value) {
      if (field == value) return false;
      field = value;
      return true;
    };
    switch (kind) {
      case wire::entry_kind::type:
        return set(m.type, wire::to_string(parser.type()));
      case wire::entry_kind::help:
        return set(m.help, parser.text());
      default:
        return set(m.unit, parser.text());
    }
  }

  // Forgets families this scrape did not mention; true if there were any.
  bool forget_other_families() {
    return std::erase_if(families, [&](const auto& f) { return f.second.seen != iteration; }) > 0;
  }

  void append(std::vector<series_write>& batch, entry& e, sample s) {
    series_write w;
    if (e.ref != series_write::no_ref) {
      w.ref = e.ref;
      w.label_hash = e.hash;
    } else {
      w.ls = e.ls;
    }
    w.samples.push_back(s);
    batch.push_back(std::move(w));
    batch_entries.push_back(&e);
  }

  // Target labels merged into scraped ones (Prometheus's mutateSampleLabels).
  void add_target_labels(std::vector<label>& ls) const {
    auto find = [&](std::string_view name) {
      return std::find_if(ls.begin(), ls.end(), [&](const label& l) { return l.name == name; });
    };
    for (const auto& t : opts.target_labels) {
      auto it = find(t.name);
      if (it == ls.end()) {
        ls.push_back(t);
      } else if (!opts.honor_labels) {
        std::string exported = "exported_" + it->name;
        while (find(exported) != ls.end() || !opts.target_labels.get(exported).empty())
          exported = "exported_" + exported;
        const auto at = size_t(it - ls.begin());
        if (!ls[at].value.empty()) ls.push_back({std::move(exported), ls[at].value});
        ls[at].value = t.value;
      }
    }
  }

  std::optional<error> check_limits(const std::vector<label>& ls, std::string_view metric) const {
    auto exceeded = [&](std::string what) { return error{errc::limit_exceeded, std::move(what)}; };
    if (opts.label_limit && ls.size() > opts.label_limit)
      return exceeded("label_limit exceeded (metric: " + clipped(metric) +
                      ", number of labels: " + std::to_string(ls.size()) +
                      ", limit: " + std::to_string(opts.label_limit) + ")");
    for (const auto& l : ls) {
      if (opts.label_name_length_limit && l.name.size() > opts.label_name_length_limit)
        return exceeded("label_name_length_limit exceeded (metric: " + clipped(metric) +
                        ", label name: " + clipped(l.name) +
                        ", length: " + std::to_string(l.name.size()) +
                        ", limit: " + std::to_string(opts.label_name_length_limit) + ")");
      if (opts.label_value_length_limit && l.value.size() > opts.label_value_length_limit)
        return exceeded("label_value_length_limit exceeded (metric: " + clipped(metric) +
                        ", label name: " + clipped(l.name) + ", value: \"" + clipped(l.value) +
                        "\", length: " + std::to_string(l.value.size()) +
                        ", limit: " + std::to_string(opts.label_value_length_limit) + ")");
    }
    return std::nullopt;
  }

  // The cache entry of the series `text`, the `n`-th of this scrape's
  // body; nullptr for a series not seen before.
  entry* find(std::string_view text, size_t n) {
    // The entries and their texts are scattered over the heap: ask for
    // those of the next few series ahead of their use.
    constexpr size_t text_ahead = 4, entry_ahead = 8;
    if (n + entry_ahead < order.size()) __builtin_prefetch(order[n + entry_ahead]);
    if (n + text_ahead < order.size()) __builtin_prefetch(order[n + text_ahead]->text.data());
    if (n < order.size() && order[n]->text == text) return order[n];
    auto it = cache.find(text);
    return it == cache.end() ? nullptr : &it->second;
  }

  // A cache entry for a series seen for the first time.
  expected<entry> make_entry(const wire::exposition_parser& parser) {
    buffer.reset(parser.series().size());
    parser.labels(buffer);
    std::vector<label> ls;
    ls.reserve(buffer.size() + opts.target_labels.size());
    for (const auto& l : buffer) ls.push_back({std::string{l.name}, std::string{l.value}});
    add_target_labels(ls);
    entry e;
    if (!relabel(ls, opts.metric_relabel)) {
      e.dropped = true;
      return e;
    }
    if (auto err = check_limits(ls, parser.series())) return *err;
    auto final_labels = labels::from(std::move(ls));
    if (!final_labels)
      return error{errc::invalid_argument,
                   "series " + std::string{parser.series()} +
                       " after relabelling: " + final_labels.error_value().message};
    if (final_labels->metric_name().empty())
      return error{errc::invalid_argument, "series " + std::string{parser.series()} +
                                               " has no metric name after relabelling"};
    e.ls = std::move(*final_labels);
    e.hash = e.ls.hash();
    return e;
  }

  void forget(const entry& e) { cache.erase(cache.find(e.text)); }

  // Stale markers for what the previous scrape had and this one lacks, the
  // cache trimmed to the series of the last two scrapes, and the synthetic
  // series. The caller then makes this scrape's series the last ones.
  void finish(std::vector<series_write>& batch, timestamp t, duration elapsed,
              scrape_report& report) {
    const uint64_t iter = iteration;
    for (const entry* e : departed)
      if (e->last_seen + 1 < iter) forget(*e);
    departed.clear();
    for (entry* e : order) {
      if (e->last_seen == iter) continue;
      if (!e->dropped && e->last_tracked + 1 == iter) {
        append(batch, *e, {t, stale_marker()});
        ++report.stale_markers;
      }
      departed.push_back(e);
    }
    const std::array<double, report_names.size()> values{
        report.failure ? 0.0 : 1.0,     std::chrono::duration<double>(elapsed).count(),
        double(report.samples_scraped), double(report.samples_post_relabel),
        double(report.series_added),
    };
    for (size_t i = 0; i < reports.size(); ++i) {
      reports[i].last_seen = reports[i].last_tracked = iter;
      append(batch, reports[i], {t, values[i]});
    }
  }
};

scrape_loop::scrape_loop(scrape_options opts) : state_(std::make_unique<state>()) {
  state_->opts = std::move(opts);
  for (size_t i = 0; i < report_names.size(); ++i) {
    auto pairs = state_->opts.target_labels.pairs();
    pairs.push_back({std::string{metric_name_label}, std::string{report_names[i]}});
    auto& e = state_->reports[i];
    e.ls = labels::from(std::move(pairs)).value();
    e.hash = e.ls.hash();
  }
}

scrape_loop::~scrape_loop() = default;

std::vector<series_write> scrape_loop::scraped(std::string_view body, std::string_view content_type,
                                               timestamp t, duration elapsed,
                                               scrape_report& report) {
  auto& st = *state_;
  report = {};
  std::vector<series_write> batch;
  batch.reserve(st.cache.size() + report_names.size());
  st.batch_entries.clear();
  st.undo.clear();
  const uint64_t iter = ++st.iteration;
  st.next_order.clear();
  auto fail = [&](error why) {
    for (auto& u : st.undo) {
      u.e->last_seen = u.last_seen;
      u.e->last_tracked = u.last_tracked;
      if (u.last_seen == 0) st.forget(*u.e);  // new in this scrape
    }
    batch.clear();
    st.batch_entries.clear();
    report.failure = std::move(why);
    st.finish(batch, t, elapsed, report);
    st.order.clear();  // nothing was seen
    return std::move(batch);
  };

  wire::exposition_parser parser{body, wire::format_from_content_type(content_type)};
  for (;;) {
    auto kind = parser.next();
    if (!kind) return fail(std::move(kind).error_value());
    if (*kind == wire::entry_kind::eof) break;
    using enum wire::entry_kind;
    if (*kind == type || *kind == help || *kind == unit) {
      report.metadata_changed |= st.note(parser, *kind);
      continue;
    }
    if (*kind != series) continue;
    ++report.samples_scraped;
    entry* found = st.find(parser.series(), st.next_order.size());
    if (!found) {
      auto made = st.make_entry(parser);
      if (!made) return fail(std::move(made).error_value());
      auto it = st.cache.emplace(std::string{parser.series()}, std::move(*made)).first;
      found = &it->second;
      found->text = it->first;
      if (!found->dropped) ++report.series_added;
    }
    entry& e = *found;
    // A series written twice in one body: the first sample counts, as the
    // second would be a duplicate for the same timestamp.
    if (e.last_seen == iter) continue;
    st.undo.push_back({&e, e.last_seen, e.last_tracked});
    e.last_seen = iter;
    st.next_order.push_back(&e);
    if (e.dropped) continue;
    if (++report.samples_post_relabel > st.opts.sample_limit && st.opts.sample_limit)
      return fail(error{errc::limit_exceeded, "sample limit exceeded (limit " +
                                                  std::to_string(st.opts.sample_limit) + ")"});
    auto own_time = parser.time();
    if (!own_time || !st.opts.honor_timestamps) e.last_tracked = iter;
    st.append(batch, e, {own_time && st.opts.honor_timestamps ? *own_time : t, parser.value()});
  }
  report.metadata_changed |= st.forget_other_families();
  st.finish(batch, t, elapsed, report);
  std::swap(st.order, st.next_order);
  return batch;
}

std::vector<series_write> scrape_loop::failed(error why, timestamp t, duration elapsed,
                                              scrape_report& report) {
  auto& st = *state_;
  report = {};
  report.failure = std::move(why);
  st.batch_entries.clear();
  ++st.iteration;
  std::vector<series_write> batch;
  st.finish(batch, t, elapsed, report);
  st.order.clear();  // nothing was seen
  return batch;
}

void scrape_loop::written(std::span<const uint32_t> refs, std::span<const write_issue> issues) {
  auto& entries = state_->batch_entries;
  for (size_t i = 0; i < refs.size() && i < entries.size(); ++i)
    if (refs[i] != series_write::no_ref) entries[i]->ref = refs[i];
  for (const auto& issue : issues)
    if (issue.code == "unknown_series" && issue.series_index < entries.size())
      entries[issue.series_index]->ref = series_write::no_ref;
}

std::vector<series_write> scrape_loop::stopped(timestamp t) {
  auto& st = *state_;
  std::vector<series_write> batch;
  st.batch_entries.clear();
  if (st.iteration == 0) return batch;
  for (entry* e : st.order)
    if (!e->dropped && e->last_tracked == st.iteration) st.append(batch, *e, {t, stale_marker()});
  for (auto& e : st.reports) st.append(batch, e, {t, stale_marker()});
  return batch;
}

metadata_map scrape_loop::metadata() const {
  metadata_map out;
  for (const auto& [name, f] : state_->families) out.emplace(name, f.meta);
  return out;
}

size_t scrape_loop::cached_series() const {
  return state_->cache.size();
}

}  // namespace vigil::scrape
