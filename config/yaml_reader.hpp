#pragma once

// Internal to config/ (include only from config/*.cpp): typed reading of
// yaml-cpp nodes with positioned diagnostics.
//
// A section reader gets a `mapping`, asks it for fields by key with a
// converter (`m.read("http_port", node.http_port, integer_in<uint16_t>(1,
// 65535))`), and `mapping::finish` then reports every key nobody asked for.
// Converters take a `value` and the `collector` and return std::nullopt after
// reporting, so reading goes on after a bad field and all problems surface
// in one pass. A new section is a reader function plus one line in the root
// reader; nothing here needs to change.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/loader.hpp"

namespace vigil::config::detail {

/// A YAML node with its key path and the position diagnostics point at.
struct value {
  YAML::Node node;
  std::string path;  ///< "" for the document root
  YAML::Mark mark;   ///< the node's position, or its key's when the value is null
};

/// `parent.key`, or `key` at the root.
[[nodiscard]] std::string child_path(std::string_view parent, std::string_view key);

/// `parent[index]`.
[[nodiscard]] std::string item_path(std::string_view parent, size_t index);

/// A short description of a node for "got ..." in messages: the quoted
/// scalar, "a mapping", "a list" or "nothing".
[[nodiscard]] std::string describe(const YAML::Node& node);

/// Collects the diagnostics of one source.
class collector {
 public:
  explicit collector(std::string file) : file_(std::move(file)) {}

  /// Records a problem at `mark` (0-based, as yaml-cpp gives it).
  void report(const YAML::Mark& mark, std::string_view path, std::string message);
  void report(const value& at, std::string message) {
    report(at.mark, at.path, std::move(message));
  }

  [[nodiscard]] size_t size() const noexcept { return diagnostics_.size(); }

  /// The diagnostics so far, ordered by position.
  [[nodiscard]] std::vector<diagnostic> take();

 private:
  std::string file_;
  std::vector<diagnostic> diagnostics_;
};

// Converters: std::optional<T>(const value&, collector&); nullopt means a
// problem was reported.

/// Any scalar.
[[nodiscard]] std::optional<std::string> as_string(const value& v, collector& out);
/// A scalar other than "".
[[nodiscard]] std::optional<std::string> as_non_empty_string(const value& v, collector& out);
/// A name made of `[A-Za-z0-9_.-]`, at least one character.
[[nodiscard]] std::optional<std::string> as_identifier(const value& v, collector& out);
/// A Prometheus duration greater than zero.
[[nodiscard]] std::optional<duration> as_positive_duration(const value& v, collector& out);
/// A decimal integer in [min, max].
[[nodiscard]] std::optional<uint64_t> as_integer(const value& v, collector& out, uint64_t min,
                                                 uint64_t max);

/// The message for an integer outside [min, max].
[[nodiscard]] std::string expected_integer(uint64_t min, uint64_t max, std::string_view got);

/// Converter for an integer of type T in [min, max].
template <class T>
auto integer_in(T min, T max = std::numeric_limits<T>::max()) {
  return [min, max](const value& v, collector& out) -> std::optional<T> {
    if (auto n = as_integer(v, out, min, max)) return static_cast<T>(*n);
    return std::nullopt;
  };
}

/// Converter for one of `choices`, spelled as `to_string(E)` gives them.
template <class E>
auto one_of(std::vector<E> choices) {
  return [choices = std::move(choices)](const value& v, collector& out) -> std::optional<E> {
    std::string names;
    for (E e : choices) {
      if (v.node.IsScalar() && v.node.Scalar() == to_string(e)) return e;
      names += names.empty() ? "" : ", ";
      names += to_string(e);
    }
    out.report(v, "expected one of " + names + ", got " + describe(v.node));
    return std::nullopt;
  };
}

/// The items of a list (null reads as empty), each with its path `p[i]`.
/// Reports and returns nothing unless `v` is a list or null.
[[nodiscard]] std::vector<value> as_list(const value& v, collector& out);

/// Remembers keys and where each was first seen, to report repeats such as
/// two nodes with one name.
class unique_set {
 public:
  /// Records `key` seen at `at`. If it was seen before, reports
  /// `<description> (already used by <first path>)` at `at` and returns false.
  bool add(const std::string& key, const value& at, collector& out, std::string_view description);

 private:
  std::vector<std::pair<std::string, std::string>> first_;  // key, path
};

/// A YAML mapping whose keys are read one by one and checked at the end.
class mapping {
 public:
  /// Wraps `v`; a null `v` reads as an empty mapping. Reports a non-mapping,
  /// duplicate keys and keys that are not strings.
  mapping(value v, collector& out);
  mapping(const mapping&) = delete;
  mapping& operator=(const mapping&) = delete;

  [[nodiscard]] const value& self() const noexcept { return self_; }
  [[nodiscard]] collector& out() noexcept { return out_; }

  /// The field `key`, recorded as a known key; nullopt if absent.
  [[nodiscard]] std::optional<value> field(std::string_view key);

  /// Like `field`, but reports `missing required field "key"` at this
  /// mapping (with `why` appended, if given) when absent.
  [[nodiscard]] std::optional<value> required(std::string_view key, std::string_view why = {});

  /// Whether the wrapped node is a mapping (or null, read as an empty one).
  [[nodiscard]] bool is_mapping() const { return self_.node.IsMap() || self_.node.IsNull(); }

  /// Reports `missing required field <fields>` at this mapping, unless it is
  /// not a mapping at all (that was reported already). `fields` is quoted by
  /// the caller: `"name"`, or `"token" or "token_file"`.
  void missing(std::string_view fields, std::string_view why = {});

  /// Whether `key` is present; does not record it as known.
  [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }

  /// Whether `key` was read and rejected by its converter.
  [[nodiscard]] bool rejected(std::string_view key) const;

  /// Converts field `key` into `target` when present and valid; `target`
  /// keeps its default otherwise. Returns the field when it was present and valid, so
  /// that cross-field checks can point at it.
  template <class T, class Convert>
  std::optional<value> read(std::string_view key, T& target, Convert&& convert) {
    return convert_into(field(key), key, target, convert);
  }

  /// `read`, reporting a missing field.
  template <class T, class Convert>
  std::optional<value> read_required(std::string_view key, T& target, Convert&& convert) {
    return convert_into(required(key), key, target, convert);
  }

  /// Reads the nested mapping `key` with `read(mapping&)` and then finishes
  /// it. Returns whether `key` was present.
  template <class Read>
  bool section(std::string_view key, Read&& read) {
    auto v = field(key);
    if (!v) return false;
    mapping child(std::move(*v), out_);
    read(child);
    child.finish();
    return true;
  }

  /// Reads every item of list `v` as a mapping with `read(mapping&, index)`.
  template <class Read>
  void each_mapping(const value& v, Read&& read) {
    auto items = as_list(v, out_);
    for (size_t i = 0; i < items.size(); ++i) {
      mapping child(std::move(items[i]), out_);
      read(child, i);
      child.finish();
    }
  }

  /// Every key and value, in document order (for free-form maps such as
  /// labels). Records all keys as known.
  [[nodiscard]] std::vector<std::pair<value, value>> entries();

  /// Reports every key that no `field`/`read` call asked for, listing the
  /// keys that were asked for. Call once, after all fields were read.
  void finish();

 private:
  struct entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value_node;
  };

  [[nodiscard]] const entry* find(std::string_view key) const;
  [[nodiscard]] value make_value(const entry& e) const;

  template <class T, class Convert>
  std::optional<value> convert_into(std::optional<value> v, std::string_view key, T& target,
                                    Convert& convert) {
    if (!v) return std::nullopt;
    if (auto converted = convert(*v, out_)) {
      target = std::move(*converted);
      return v;
    }
    rejected_.emplace_back(key);
    return std::nullopt;
  }

  value self_;
  collector& out_;
  std::vector<entry> entries_;
  std::vector<std::string> known_;
  std::vector<std::string> rejected_;
  bool all_known_ = false;
};

}  // namespace vigil::config::detail
