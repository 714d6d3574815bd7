#include "storage/head/head.hpp"

#include <algorithm>
#include <limits>

namespace vigil::head {
namespace {

bool same_bits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

void decode_into(std::span<const uint8_t> bytes, timestamp min_t, timestamp max_t,
                 std::vector<sample>& out) {
  xor_iterator it{bytes};
  if (!it.seek(min_t)) return;
  do {
    if (it.at().t > max_t) break;
    out.push_back(it.at());
  } while (it.next());
}

}  // namespace

std::string_view to_string(reject_reason r) {
  switch (r) {
    case reject_reason::out_of_order:
      return "out_of_order";
    case reject_reason::duplicate:
      return "duplicate";
  }
  return "unknown";
}

head::head(head_options options) : options_(std::move(options)) {
  no_tenant_ = symbols_.intern("");
}

bool head::same_labels(series_ref ref, const labels& ls) const {
  const auto& syms = series_[ref].label_symbols;
  if (syms.size() != ls.size()) return false;
  auto it = ls.begin();
  for (auto [n, v] : syms) {
    if (symbols_.text(n) != it->name || symbols_.text(v) != it->value) return false;
    ++it;
  }
  return true;
}

std::optional<series_ref> head::find(const labels& ls) const {
  auto ref = by_hash_.find(ls.hash(), [&](uint32_t r) { return same_labels(r, ls); });
  if (ref == ref_table::no_ref) return std::nullopt;
  return ref;
}

std::optional<error> head::check_limits(const labels& ls, symbol& tenant) {
  if (options_.max_series && stats_.series >= options_.max_series)
    return error{errc::limit_exceeded, "series limit of " + std::to_string(options_.max_series) +
                                           " reached; not creating " + ls.to_string()};
  auto tenant_value = ls.get(options_.tenant_label);
  tenant = no_tenant_;
  if (tenant_value.empty() || !options_.max_series_per_tenant) return std::nullopt;
  tenant = symbols_.intern(tenant_value);
  auto it = per_tenant_.find(tenant);
  if (it != per_tenant_.end() && it->second >= options_.max_series_per_tenant)
    return error{errc::limit_exceeded,
                 "series limit of " + std::to_string(options_.max_series_per_tenant) + " per " +
                     options_.tenant_label + " reached for " + options_.tenant_label + "=\"" +
                     std::string{tenant_value} + "\"; not creating " + ls.to_string()};
  return std::nullopt;
}

expected<series_ref> head::get_or_create(const labels& ls) {
  if (auto ref = find(ls)) return *ref;
  symbol tenant = no_tenant_;
  if (auto err = check_limits(ls, tenant)) {
    ++stats_.series_refused;
    return *err;
  }
  auto ref = static_cast<series_ref>(series_.size());
  add_series(ref, ls, tenant);
  return ref;
}

void head::restore(series_ref ref, const labels& ls) {
  symbol tenant = no_tenant_;
  if (auto v = ls.get(options_.tenant_label); !v.empty()) tenant = symbols_.intern(v);
  add_series(ref, ls, tenant);
}

void head::add_series(series_ref ref, const labels& ls, symbol tenant) {
  if (ref >= series_.size()) series_.resize(ref + 1);
  auto& s = series_[ref];
  s.label_symbols.clear();
  s.label_symbols.reserve(ls.size());
  for (const auto& l : ls)
    s.label_symbols.emplace_back(symbols_.intern(l.name), symbols_.intern(l.value));
  s.tenant = tenant;
  s.live = true;
  s.label_hash = ls.hash();
  by_hash_.insert(s.label_hash, ref);
  index_.add(ref, ls);
  if (tenant != no_tenant_) ++per_tenant_[tenant];
  ++stats_.series;
}

void head::set_floor(series_ref ref, timestamp t) {
  auto& s = series_[ref];
  if (s.has_samples && s.last.t >= t) return;
  // No stored value: an exact retry of the persisted sample is rejected as
  // a duplicate rather than ignored, which loses nothing.
  s.last = {t, std::numeric_limits<double>::quiet_NaN()};
  s.has_samples = true;
}

labels head::labels_of(series_ref ref) const {
  std::vector<label> pairs;
  const auto& syms = series_[ref].label_symbols;
  pairs.reserve(syms.size());
  for (auto [n, v] : syms)
    pairs.push_back({std::string{symbols_.text(n)}, std::string{symbols_.text(v)}});
  return labels::from_sorted(std::move(pairs));
}

void head::cut(series_ref ref, memseries& s) {
  auto bytes = s.open.bytes();
  cut_order_.push_back(ref);
  s.cut.push_back({ref,
                  s.open_min_t,
                  s.last.t,
                  static_cast<uint32_t>(s.open.num_samples()),
                  {bytes.begin(), bytes.end()}});
  s.open = xor_appender{};
  ++stats_.chunks_cut;
}

append_outcome head::reject(reject_reason r) {
  ++stats_.rejected[static_cast<size_t>(r)];
  return {.stored = false, .reject = r};
}

append_outcome head::append(series_ref ref, timestamp t, double v) {
  auto& s = series_[ref];
  if (s.has_samples && t <= s.last.t) {
    if (t == s.last.t)
      return same_bits(v, s.last.v) ? append_outcome{} : reject(reject_reason::duplicate);
    if (t < s.last.t - options_.out_of_order_window.count()) {
      // A retry of a sample still in the open chunk is not an error.
      xor_iterator it{s.open.bytes()};
      if (it.seek(t) && it.at().t == t && same_bits(it.at().v, v)) return {};
      return reject(reject_reason::out_of_order);
    }
    auto& ooo = s.out_of_order;
    auto it = std::lower_bound(ooo.begin(), ooo.end(), t,
                               [](const sample& a, timestamp b) { return a.t < b; });
    if (it != ooo.end() && it->t == t)
      return same_bits(it->v, v) ? append_outcome{} : reject(reject_reason::duplicate);
    ooo.insert(it, {t, v});
    ++stats_.samples_appended;
    return {.stored = true, .reject = std::nullopt};
  }
  if (s.open.num_samples() && (s.open.num_samples() >= options_.chunk_samples ||
                               t - s.open_min_t >= options_.chunk_span.count()))
    cut(ref, s);
  if (s.open.num_samples() == 0) s.open_min_t = t;
  (void)s.open.append(t, v);  // cannot be full: chunk_samples is far below the format's limit
  s.last = {t, v};
  s.has_samples = true;
  ++stats_.samples_appended;
  if (stats_.samples_appended == 1 || t < stats_.min_t) stats_.min_t = t;
  stats_.max_t = std::max(stats_.max_t, t);
  return {.stored = true, .reject = std::nullopt};
}

void head::prefetch(series_ref ref) const {
  if (ref >= series_.size()) return;
  const char* s = reinterpret_cast<const char*>(&series_[ref]);
  __builtin_prefetch(s, 1);
  __builtin_prefetch(s + sizeof(memseries) - 1, 1);
}

void head::prefetch_chunk(series_ref ref) const {
  if (ref >= series_.size()) return;
  auto bytes = series_[ref].open.bytes();
  if (bytes.empty()) return;
  __builtin_prefetch(bytes.data(), 1);  // the sample count
  __builtin_prefetch(bytes.data() + bytes.size() - 1, 1);
}

void head::read(series_ref ref, timestamp min_t, timestamp max_t, std::vector<sample>& out) const {
  const auto& s = series_[ref];
  const size_t start = out.size();
  for (const auto& c : s.cut)
    if (c.max_t >= min_t && c.min_t <= max_t)
      decode_into(c.bytes, min_t, max_t, out);
  if (s.open.num_samples() && s.last.t >= min_t && s.open_min_t <= max_t)
    decode_into(s.open.bytes(), min_t, max_t, out);
  if (s.out_of_order.empty()) return;
  for (const auto& smp : s.out_of_order)
    if (smp.t >= min_t && smp.t <= max_t) out.push_back(smp);
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(),
            [](const sample& a, const sample& b) { return a.t < b.t; });
}

std::vector<cut_chunk> head::take_cut_chunks(size_t max) {
  std::vector<cut_chunk> taken;
  taken.reserve(std::min(max, cut_order_.size()));
  while (taken.size() < max && !cut_order_.empty()) {
    auto& waiting = series_[cut_order_.front()].cut;
    cut_order_.pop_front();
    taken.push_back(std::move(waiting.front()));
    waiting.erase(waiting.begin());
  }
  return taken;
}

void head::cut_series(series_ref ref, memseries& s) {
  if (s.open.num_samples()) cut(ref, s);
  if (s.out_of_order.empty()) return;
  xor_appender ooo;
  for (const auto& smp : s.out_of_order) (void)ooo.append(smp.t, smp.v);
  auto bytes = ooo.bytes();
  cut_order_.push_back(ref);
  s.cut.push_back({ref,
                  s.out_of_order.front().t,
                  s.out_of_order.back().t,
                  static_cast<uint32_t>(s.out_of_order.size()),
                  {bytes.begin(), bytes.end()}});
  s.out_of_order.clear();
}

std::vector<cut_chunk> head::cut_all() {
  for (series_ref ref = 0; ref < series_.size(); ++ref)
    if (series_[ref].live) cut_series(ref, series_[ref]);
  return take_cut_chunks();
}

std::vector<cut_chunk> head::cut_idle(timestamp before) {
  for (series_ref ref = 0; ref < series_.size(); ++ref) {
    auto& s = series_[ref];
    if (s.live && s.has_samples && s.last.t < before) cut_series(ref, s);
  }
  return take_cut_chunks();
}

std::optional<timestamp> head::oldest_in_memory() const {
  std::optional<timestamp> oldest;
  auto consider = [&](timestamp t) { oldest = oldest ? std::min(*oldest, t) : t; };
  for (const auto& s : series_) {
    if (!s.live) continue;
    if (s.open.num_samples()) consider(s.open_min_t);
    if (!s.out_of_order.empty()) consider(s.out_of_order.front().t);
    for (const auto& c : s.cut) consider(c.min_t);
  }
  return oldest;
}

index::postings head::with_samples_in(timestamp min_t, timestamp max_t) const {
  auto overlaps = [&](timestamp lo, timestamp hi) { return lo <= max_t && hi >= min_t; };
  index::postings out;
  for (series_ref ref = 0; ref < series_.size(); ++ref) {
    const auto& s = series_[ref];
    if (!s.live) continue;
    if ((s.open.num_samples() && overlaps(s.open_min_t, s.last.t)) ||
        (!s.out_of_order.empty() && overlaps(s.out_of_order.front().t, s.out_of_order.back().t)) ||
        std::any_of(s.cut.begin(), s.cut.end(),
                    [&](const cut_chunk& c) { return overlaps(c.min_t, c.max_t); }))
      out.push_back(ref);
  }
  return out;
}

size_t head::memory_bytes() const {
  size_t total =
      symbols_.string_bytes() + symbols_.size() * 48 + series_.capacity() * sizeof(memseries);
  for (const auto& s : series_) {
    total += s.label_symbols.capacity() * sizeof(s.label_symbols[0]) + s.open.bytes().size() +
             s.out_of_order.capacity() * sizeof(sample);
    for (const auto& c : s.cut) total += c.bytes.capacity();
  }
  total += by_hash_.memory_bytes();
  return total;
}

}  // namespace vigil::head
