#pragma once

// Where a parser puts the labels of a series or an exemplar for its caller:
// name/value views into the exposition body, or into the buffer's own text
// for the few names and values that have escapes. A scraper keeps one buffer
// and reuses it for every series, so filling it allocates nothing once it
// has grown to the largest label set.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::wire {

/// One label, viewing text owned by the body or by a label_buffer.
struct label_view {
  std::string_view name;
  std::string_view value;
  friend bool operator==(const label_view&, const label_view&) = default;
};

/// A reusable list of labels in exposition order (not sorted, not
/// deduplicated by value; the parser has already rejected duplicate names).
/// Views stay valid until the buffer is reset or the body is freed.
class label_buffer {
 public:
  /// Empties the buffer, keeping its memory, with room for `text_bytes` of
  /// unescaped text (so views into it stay valid while it fills).
  void reset(std::size_t text_bytes);
  void add(std::string_view name, std::string_view value) { pairs_.push_back({name, value}); }
  /// `raw` with its escapes resolved, kept in the buffer. The unescaped
  /// texts since reset() must fit in its `text_bytes`.
  [[nodiscard]] std::string_view unescaped(std::string_view raw);

  [[nodiscard]] std::span<const label_view> pairs() const noexcept { return pairs_; }
  [[nodiscard]] std::size_t size() const noexcept { return pairs_.size(); }
  [[nodiscard]] bool empty() const noexcept { return pairs_.empty(); }
  [[nodiscard]] const label_view& operator[](std::size_t i) const { return pairs_[i]; }
  [[nodiscard]] auto begin() const noexcept { return pairs_.begin(); }
  [[nodiscard]] auto end() const noexcept { return pairs_.end(); }
  /// The value of the first label called `name`, or "" when absent.
  [[nodiscard]] std::string_view get(std::string_view name) const noexcept;

 private:
  std::vector<label_view> pairs_;
  std::string text_;
};

}  // namespace vigil::wire
