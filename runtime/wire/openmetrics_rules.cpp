#include "runtime/wire/openmetrics_rules.hpp"

#include <xxhash.h>

#include <array>
#include <span>

namespace vigil::wire {
namespace {

struct suffix {
  std::string_view text;
  sample_role role;
};

using role = sample_role;
constexpr std::array<suffix, 1> plain_suffixes{{{"", role::value}}};
constexpr std::array<suffix, 2> counter_suffixes{
    {{"_total", role::total}, {"_created", role::created}}};
constexpr std::array<suffix, 4> histogram_suffixes{{{"_bucket", role::bucket},
                                                    {"_count", role::count},
                                                    {"_sum", role::sum},
                                                    {"_created", role::created}}};
constexpr std::array<suffix, 3> gauge_histogram_suffixes{
    {{"_bucket", role::bucket}, {"_gcount", role::gcount}, {"_gsum", role::gsum}}};
constexpr std::array<suffix, 4> summary_suffixes{
    {{"", role::value}, {"_count", role::count}, {"_sum", role::sum}, {"_created", role::created}}};
constexpr std::array<suffix, 1> info_suffixes{{{"_info", role::info}}};

std::span<const suffix> suffixes(metric_type type) noexcept {
  switch (type) {
    case metric_type::counter:
      return counter_suffixes;
    case metric_type::histogram:
      return histogram_suffixes;
    case metric_type::gauge_histogram:
      return gauge_histogram_suffixes;
    case metric_type::summary:
      return summary_suffixes;
    case metric_type::info:
      return info_suffixes;
    default:
      return plain_suffixes;
  }
}

// "a_total or a_created", for messages.
std::string sample_names(std::string_view family, metric_type type) {
  std::string out;
  auto all = suffixes(type);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) out += i + 1 == all.size() ? " or " : ", ";
    out += family;
    out += all[i].text;
  }
  return out;
}

bool unitless(metric_type type) noexcept {
  return type == metric_type::info || type == metric_type::stateset;
}

}  // namespace

std::optional<error> openmetrics_rules::type(const line_context& line, std::string_view name,
                                             metric_type type) {
  if (auto e = metadata(line, name, &family_state::has_type, "TYPE")) return e;
  if (unitless(type) && !family_.unit.empty())
    return line.fail(line.text.data(), "an info or stateset family must not have a unit");
  family_.type = type;
  return std::nullopt;
}

std::optional<error> openmetrics_rules::help(const line_context& line, std::string_view name) {
  return metadata(line, name, &family_state::has_help, "HELP");
}

std::optional<error> openmetrics_rules::unit(const line_context& line, std::string_view name,
                                             std::string_view unit) {
  if (auto e = metadata(line, name, &family_state::has_unit, "UNIT")) return e;
  if (unit.empty()) return std::nullopt;
  if (!(name.size() > unit.size() && name.ends_with(unit) &&
        name[name.size() - unit.size() - 1] == '_'))
    return line.fail(unit.data(), "the unit " + quote(unit) + " must end the family name " +
                                      quote(name) + " after a '_'");
  if (unitless(family_.type))
    return line.fail(unit.data(), "an info or stateset family must not have a unit");
  family_.unit = unit;
  return std::nullopt;
}

std::optional<error> openmetrics_rules::metadata(const line_context& line, std::string_view name,
                                                 bool family_state::*seen,
                                                 std::string_view keyword) {
  if (open_ && name == family_.name) {
    if (family_.has_samples)
      return line.fail(line.text.data(), "# " + std::string(keyword) + " for " + quote(name) +
                                             " after its samples (metadata comes first)");
    if (family_.*seen)
      return line.fail(line.text.data(),
                       "a second # " + std::string(keyword) + " line for " + quote(name));
  } else {
    if (auto e = close_family()) return e;
    if (auto e = start_family(line, name)) return e;
  }
  family_.*seen = true;
  return std::nullopt;
}

expected<sample_role> openmetrics_rules::resolve(const line_context& line, std::string_view name) {
  if (auto r = role_of(name)) {
    family_.has_samples = true;
    return *r;
  }
  if (auto e = close_family()) return *std::move(e);
  if (auto e = start_family(line, name)) {
    // A sample meant for the family just closed explains itself better.
    if (name.starts_with(family_.name))
      return line.fail(name.data(), "sample " + quote(name) + " does not belong to " +
                                        std::string(to_string(family_.type)) + " " +
                                        quote(family_.name) + " (its samples are " +
                                        sample_names(family_.name, family_.type) + ")");
    return *std::move(e);
  }
  family_.has_samples = true;
  return sample_role::value;
}

std::optional<error> openmetrics_rules::sample(const line_context& line, const checked_sample& s) {
  return points_.sample(line, family(), s);
}

std::optional<error> openmetrics_rules::finish() {
  return close_family();
}

std::optional<sample_role> openmetrics_rules::role_of(std::string_view name) const noexcept {
  if (!open_ || !name.starts_with(family_.name)) return std::nullopt;
  const auto rest = name.substr(family_.name.size());
  for (const auto& s : suffixes(family_.type))
    if (rest == s.text) return s.role;
  return std::nullopt;
}

// Leaves the closed family's state in place until a new one is started.
std::optional<error> openmetrics_rules::start_family(const line_context& line,
                                                     std::string_view name) {
  if (!names_.insert(name_hash('f', name, {})))
    return line.fail(name.data(), "metric family " + quote(name) +
                                      " appears a second time (families must not interleave)");
  if (names_.contains(name_hash('s', name, {})))
    return line.fail(name.data(), "metric family " + quote(name) +
                                      " clashes with a sample name of an earlier family");
  family_.reset(name, line);
  open_ = true;
  ++family_number_;
  points_.start_family();
  return std::nullopt;
}

std::optional<error> openmetrics_rules::close_family() {
  if (!open_) return std::nullopt;
  open_ = false;
  if (auto e = points_.finish_family(family())) return e;
  for (const auto& s : suffixes(family_.type)) {
    if (!names_.insert(name_hash('s', family_.name, s.text)))
      return family_.first.fail(family_.first.text.data(),
                                std::string(to_string(family_.type)) + " " + quote(family_.name) +
                                    " clashes with an earlier family over the sample name " +
                                    quote(family_.name + std::string(s.text)));
  }
  return std::nullopt;
}

std::uint64_t openmetrics_rules::name_hash(char kind, std::string_view name,
                                           std::string_view suffix) {
  key_.assign(1, kind);
  key_ += name;
  key_ += suffix;
  return XXH3_64bits(key_.data(), key_.size());
}

}  // namespace vigil::wire
