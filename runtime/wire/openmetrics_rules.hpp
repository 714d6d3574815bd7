#pragma once

// OpenMetrics rules about metric families; the rules about their samples
// are point_checker's (openmetrics_points.hpp), which this class drives.
//
// A family starts with its first metadata line or, without metadata, with a
// sample whose name is none of the current family's sample names (a
// family of unknown type named like the sample). Its sample names are its
// name plus the suffixes of its type (counter: _total, _created; histogram:
// _bucket, _count, _sum, _created; gaugehistogram: _bucket, _gcount, _gsum;
// summary: "", _count, _sum, _created; info: _info; others: ""). Checked:
//
// - TYPE, HELP and UNIT at most once per family, before its samples;
// - a unit is a suffix of the family name after '_', and info and stateset
//   families have none;
// - family names are unique (families must not interleave), and no two
//   families share a sample name (a gauge `a_created` clashes with a
//   counter `a`): checked once a family ends and its type is final.
//
// Names are remembered by hash (hash_set.hpp).
//
// Threading: one instance per parse.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/wire/hash_set.hpp"
#include "runtime/wire/openmetrics_points.hpp"

namespace vigil::wire {

class openmetrics_rules {
 public:
  /// `# TYPE name type` on `line`.
  [[nodiscard]] std::optional<error> type(const line_context& line, std::string_view name,
                                          metric_type type);
  /// `# HELP name text` on `line`.
  [[nodiscard]] std::optional<error> help(const line_context& line, std::string_view name);
  /// `# UNIT name unit` on `line`; `unit` is a view into the line.
  [[nodiscard]] std::optional<error> unit(const line_context& line, std::string_view name,
                                          std::string_view unit);

  /// The role of a sample named `name` (a view into `line`), starting a new
  /// family when the current one has no such sample name.
  [[nodiscard]] expected<sample_role> resolve(const line_context& line, std::string_view name);
  /// Checks a sample just resolved.
  [[nodiscard]] std::optional<error> sample(const line_context& line, const checked_sample& s);
  /// At `# EOF`: checks the last family.
  [[nodiscard]] std::optional<error> finish();

  /// The role of `name` in the current family; nullopt if it starts another.
  [[nodiscard]] std::optional<sample_role> role_of(std::string_view name) const noexcept;
  [[nodiscard]] family_ref family() const noexcept { return {family_.name, family_.type}; }
  /// Counts families: tells a family from a later one of the same name.
  [[nodiscard]] std::uint64_t family_number() const noexcept { return family_number_; }
  /// The metric of the last sample (see metric_hash()).
  [[nodiscard]] std::uint64_t metric() const noexcept { return points_.metric(); }

 private:
  struct family_state {
    std::string name;
    metric_type type = metric_type::unknown;
    std::string_view unit;
    bool has_type = false;
    bool has_help = false;
    bool has_unit = false;
    bool has_samples = false;
    line_context first;  // the line that started it

    // Keeps the name's memory.
    void reset(std::string_view new_name, const line_context& line) {
      name.assign(new_name);
      type = metric_type::unknown;
      unit = {};
      has_type = has_help = has_unit = has_samples = false;
      first = line;
    }
  };

  std::optional<error> metadata(const line_context& line, std::string_view name,
                                bool family_state::*seen, std::string_view keyword);
  std::optional<error> start_family(const line_context& line, std::string_view name);
  std::optional<error> close_family();
  std::uint64_t name_hash(char kind, std::string_view name, std::string_view suffix);

  family_state family_;
  bool open_ = false;
  std::uint64_t family_number_ = 0;
  hash_set names_;   // 'f' + family names, 's' + sample names
  std::string key_;  // to hash names with their suffixes
  point_checker points_;
};

}  // namespace vigil::wire
