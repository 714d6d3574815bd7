#pragma once

// A push connection's series cache (docs/protocol.md says nothing about
// it: it is invisible to clients). Agents send the same label sets write
// after write; the cache maps a label set *as the client encoded it* to
// the ref its shard returned, so the decoder turns a repeated series into
// a write by ref and label hash (shard_engine.hpp series_write) without
// building, sorting, validating or hashing its labels, and the shard skips
// its label lookup.
//
// Keys are the label map's names and values in the client's order, each
// length-prefixed, so equal keys mean byte-identical label maps: a hit
// needs no validation, since the bytes were valid when first seen.
//
// Bounded by `capacity` entries in two generations: lookups move an entry
// into the young one; when the young one is full it becomes the old one
// and the previous old one is dropped. Series used within the last
// capacity/2 distinct label sets always stay; churned series age out.
//
// Not thread-safe: one cache per connection, on the connection's thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/shard/shard_engine.hpp"

namespace vigil::wire::push {

/// Entries a connection's cache holds unless configured otherwise.
inline constexpr std::size_t default_cached_series = 65536;

class series_cache {
 public:
  /// Where a series lives in its shard.
  struct entry {
    uint32_t ref = series_write::no_ref;
    uint64_t label_hash = 0;  ///< labels::hash() of its labels
    friend bool operator==(const entry&, const entry&) = default;
  };

  /// A cache of at most `capacity` entries; 0 disables it (nothing is kept).
  explicit series_cache(std::size_t capacity = default_cached_series) : capacity_(capacity) {}

  /// The entry for `key`, which then survives the next generation change.
  [[nodiscard]] std::optional<entry> find(std::string_view key);

  /// Remembers `key`'s series (replacing an older entry).
  void insert(std::string key, entry e);

  /// Forgets every entry that names one of `stale` (refs a shard no longer
  /// knows). Walks the whole cache: for the rare unknown_series answer.
  void forget(std::span<const entry> stale);

  [[nodiscard]] std::size_t size() const noexcept { return young_.size() + old_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

  /// Appends one length-prefixed string to a key under construction.
  static void append_key(std::string& key, std::string_view s);

 private:
  // Not noexcept on purpose: libstdc++ then stores each key's hash in its
  // node instead of hashing neighbouring keys again on every lookup.
  struct key_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const;
  };
  using generation = std::unordered_map<std::string, entry, key_hash, std::equal_to<>>;

  // Makes room for one more young entry.
  void age();

  std::size_t capacity_;
  generation young_;
  generation old_;
};

}  // namespace vigil::wire::push
