#include "storage/persist/catalog.hpp"

#include <charconv>
#include <set>

#include "storage/chunk/byte_stream.hpp"

namespace vigil::persist {
namespace {

constexpr std::string_view meta_schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);";

// Blocks live in a rowid table: its rows keep up to a page of payload in
// place and spill the rest into full overflow pages, where a WITHOUT ROWID
// table spills every row over about a quarter page into a mostly empty
// overflow page (twice the bytes on disk for 1 KB blocks).
constexpr std::string_view schema = R"(
CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, labels BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS chunks(
  series_id INTEGER NOT NULL,
  tier INTEGER NOT NULL,
  min_t INTEGER NOT NULL,
  max_t INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS chunks_by_series ON chunks(series_id, tier, min_t);
CREATE INDEX IF NOT EXISTS chunks_by_tier_end ON chunks(tier, max_t);
)";

// Version 1 kept blocks in a WITHOUT ROWID table: set it aside, let
// `schema` create the new table, then copy.
constexpr std::string_view set_aside_version_1 =
    "ALTER TABLE chunks RENAME TO chunks_v1; DROP INDEX chunks_by_tier_end;";
constexpr std::string_view copy_version_1 =
    "INSERT INTO chunks SELECT series_id, tier, min_t, max_t, samples, data FROM chunks_v1; "
    "DROP TABLE chunks_v1;";

}  // namespace

std::vector<uint8_t> encode_labels(const labels& ls) {
  std::vector<uint8_t> out;
  bytes::put_uvarint(out, ls.size());
  for (const auto& l : ls) {
    for (const std::string* s : {&l.name, &l.value}) {
      bytes::put_uvarint(out, s->size());
      out.insert(out.end(), s->begin(), s->end());
    }
  }
  return out;
}

expected<labels> decode_labels(std::span<const uint8_t> data) {
  byte_reader in{data, 0, "label set"};
  auto count = in.uvarint("label count");
  if (count && *count > data.size()) in.fail("implausible label count " + std::to_string(*count));
  std::vector<label> pairs;
  for (uint64_t i = 0; in.ok() && i < *count; ++i) {
    auto& l = pairs.emplace_back();
    for (std::string* s : {&l.name, &l.value}) {
      auto len = in.uvarint("string length");
      auto text = len ? in.take(*len, "string") : std::nullopt;
      if (text) s->assign(reinterpret_cast<const char*>(text->data()), text->size());
    }
  }
  if (in.ok() && in.remaining()) in.fail("trailing bytes");
  if (!in.ok()) return *in.error();
  return labels::from_sorted(std::move(pairs));
}

expected<catalog> catalog::open(const std::string& path) {
  auto db = database::open(path);
  if (!db) return std::move(db).error_value();
  if (auto err = db->exec(meta_schema)) return *err;
  catalog c{std::move(*db)};
  auto version = c.meta_int("schema_version");
  if (!version) return std::move(version).error_value();
  if (*version > schema_version) {
    return error{errc::invalid_argument, "sqlite " + path + ": schema version " +
                                             std::to_string(**version) +
                                             " is newer than this vigil understands (" +
                                             std::to_string(schema_version) + ")"};
  }
  {
    transaction tx{c.db_};
    if (tx.begin_error()) return *tx.begin_error();
    const bool from_version_1 = *version == 1;
    if (from_version_1) {
      if (auto err = c.db_.exec(set_aside_version_1)) return *err;
    }
    if (auto err = c.db_.exec(schema)) return *err;
    if (from_version_1) {
      if (auto err = c.db_.exec(copy_version_1)) return *err;
    }
    if (*version != schema_version) {
      if (auto err = c.set_meta("schema_version", std::to_string(schema_version))) return *err;
    }
    if (auto err = tx.commit()) return *err;
  }
  return c;
}

std::optional<error> catalog::put_series(std::span<const series_record> series) {
  transaction tx{db_};
  if (tx.begin_error()) return tx.begin_error();
  auto stmt = db_.prepare("INSERT OR IGNORE INTO series(id, labels) VALUES(?, ?)");
  if (!stmt) return stmt.error_value();
  for (const auto& s : series) {
    auto blob = encode_labels(s.ls);
    stmt->bind(1, static_cast<int64_t>(s.id)).bind_blob(2, blob);
    if (auto err = stmt->run()) return err;
  }
  return tx.commit();
}

std::optional<error> catalog::put_chunks(std::span<const chunk_record> chunks,
                                         std::span<const block_key> replaced) {
  transaction tx{db_};
  if (tx.begin_error()) return tx.begin_error();
  if (!replaced.empty()) {
    auto del = db_.prepare("DELETE FROM chunks WHERE series_id = ? AND tier = ? AND min_t = ?");
    if (!del) return del.error_value();
    for (const auto& k : replaced) {
      del->bind(1, static_cast<int64_t>(k.series_id)).bind(2, static_cast<int64_t>(k.tier));
      del->bind(3, k.min_t);
      if (auto err = del->run()) return err;
    }
  }
  auto stmt = db_.prepare(
      "INSERT OR REPLACE INTO chunks(series_id, tier, min_t, max_t, samples, data) "
      "VALUES(?, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error_value();
  for (const auto& c : chunks) {
    stmt->bind(1, static_cast<int64_t>(c.series_id))
        .bind(2, static_cast<int64_t>(c.tier))
        .bind(3, c.min_t)
        .bind(4, c.max_t)
        .bind(5, static_cast<int64_t>(c.samples))
        .bind_blob(6, c.data);
    if (auto err = stmt->run()) return err;
  }
  return tx.commit();
}

expected<std::vector<series_record>> catalog::all_series() {
  auto stmt = db_.prepare("SELECT id, labels FROM series ORDER BY id");
  if (!stmt) return stmt.error_value();
  std::vector<series_record> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error_value();
    if (!*row) break;
    auto ls = decode_labels(stmt->column_blob(1));
    if (!ls) {
      return error{errc::corruption, "sqlite " + db_.path() + ": series " +
                                         std::to_string(stmt->column_int(0)) + ": " +
                                         ls.error_value().message};
    }
    out.push_back({static_cast<uint64_t>(stmt->column_int(0)), std::move(*ls)});
  }
  return out;
}

expected<std::vector<chunk_record>> catalog::chunks(uint64_t series_id, uint8_t tier, int64_t min_t,
                                                    int64_t max_t) {
  auto stmt = db_.prepare(
      "SELECT min_t, max_t, samples, data FROM chunks "
      "WHERE series_id = ? AND tier = ? AND max_t >= ? AND min_t <= ? ORDER BY min_t");
  if (!stmt) return stmt.error_value();
  stmt->bind(1, static_cast<int64_t>(series_id)).bind(2, static_cast<int64_t>(tier));
  stmt->bind(3, min_t).bind(4, max_t);
  std::vector<chunk_record> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error_value();
    if (!*row) break;
    auto blob = stmt->column_blob(3);
    out.push_back({series_id,
                   tier,
                   stmt->column_int(0),
                   stmt->column_int(1),
                   static_cast<uint32_t>(stmt->column_int(2)),
                   {blob.begin(), blob.end()}});
  }
  return out;
}

expected<std::vector<uint64_t>> catalog::series_with_blocks(uint8_t tier, int64_t min_t,
                                                            int64_t max_t) {
  auto stmt = db_.prepare(
      "SELECT DISTINCT series_id FROM chunks WHERE tier = ? AND max_t >= ? AND min_t <= ? "
      "ORDER BY series_id");
  if (!stmt) return stmt.error_value();
  stmt->bind(1, static_cast<int64_t>(tier)).bind(2, min_t).bind(3, max_t);
  std::vector<uint64_t> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error_value();
    if (!*row) return out;
    out.push_back(static_cast<uint64_t>(stmt->column_int(0)));
  }
}

expected<std::vector<std::pair<uint64_t, int64_t>>> catalog::last_times(uint8_t tier) {
  auto stmt =
      db_.prepare("SELECT series_id, MAX(max_t) FROM chunks WHERE tier = ? GROUP BY series_id");
  if (!stmt) return stmt.error_value();
  stmt->bind(1, static_cast<int64_t>(tier));
  std::vector<std::pair<uint64_t, int64_t>> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error_value();
    if (!*row) return out;
    out.emplace_back(static_cast<uint64_t>(stmt->column_int(0)), stmt->column_int(1));
  }
}

expected<std::optional<int64_t>> catalog::first_time(uint8_t tier) {
  auto stmt = db_.prepare("SELECT MIN(min_t), COUNT(*) FROM chunks WHERE tier = ?");
  if (!stmt) return stmt.error_value();
  stmt->bind(1, static_cast<int64_t>(tier));
  auto row = stmt->step();
  if (!row) return row.error_value();
  if (!*row || stmt->column_int(1) == 0) return std::optional<int64_t>{};
  return std::optional<int64_t>{stmt->column_int(0)};
}

expected<int64_t> catalog::delete_series_before(uint64_t series_id, uint8_t tier, int64_t cutoff) {
  auto stmt = db_.prepare("DELETE FROM chunks WHERE series_id = ? AND tier = ? AND max_t < ?");
  if (!stmt) return stmt.error_value();
  stmt->bind(1, static_cast<int64_t>(series_id))
      .bind(2, static_cast<int64_t>(tier))
      .bind(3, cutoff);
  if (auto err = stmt->run()) return *err;
  return db_.changes();
}

expected<int64_t> catalog::delete_before(uint8_t tier, int64_t cutoff) {
  auto stmt = db_.prepare("DELETE FROM chunks WHERE tier = ? AND max_t < ?");
  if (!stmt) return stmt.error_value();
  stmt->bind(1, static_cast<int64_t>(tier)).bind(2, cutoff);
  if (auto err = stmt->run()) return *err;
  return db_.changes();
}

expected<std::optional<std::string>> catalog::meta(const std::string& key) {
  auto stmt = db_.prepare("SELECT value FROM meta WHERE key = ?");
  if (!stmt) return stmt.error_value();
  stmt->bind(1, key);
  auto row = stmt->step();
  if (!row) return row.error_value();
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>{std::string{stmt->column_text(0)}};
}

expected<std::optional<int64_t>> catalog::meta_int(const std::string& key) {
  auto text = meta(key);
  if (!text) return std::move(text).error_value();
  if (!*text) return std::optional<int64_t>{};
  int64_t v = 0;
  const auto& str = **text;
  auto [end, ec] = std::from_chars(str.data(), str.data() + str.size(), v);
  if (ec != std::errc{} || end != str.data() + str.size())
    return error{errc::corruption, "sqlite " + db_.path() + ": meta \"" + key +
                                       "\" is not an integer: \"" + str + "\""};
  return std::optional<int64_t>{v};
}

std::optional<error> catalog::set_meta(const std::string& key, const std::string& value) {
  auto stmt = db_.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  if (!stmt) return stmt.error_value();
  stmt->bind(1, key).bind(2, value);
  return stmt->run();
}

expected<std::vector<catalog::tier_usage>> catalog::usage() {
  auto stmt = db_.prepare(
      "SELECT tier, SUM(length(data)), SUM(samples), COUNT(*) FROM chunks GROUP BY tier");
  if (!stmt) return stmt.error_value();
  std::vector<tier_usage> out(3);
  while (true) {
    auto row = stmt->step();
    if (!row) return row.error_value();
    if (!*row) break;
    auto tier = static_cast<size_t>(stmt->column_int(0));
    if (tier >= out.size()) out.resize(tier + 1);
    out[tier] = {stmt->column_int(1), stmt->column_int(2), stmt->column_int(3)};
  }
  return out;
}

std::optional<error> catalog::check_integrity() {
  auto stmt = db_.prepare("PRAGMA quick_check");
  if (!stmt) return stmt.error_value();
  std::vector<std::string> problems;
  std::set<int64_t> pages;  // named by the problems, for byte offsets
  while (true) {
    auto row = stmt->step();
    if (!row) {
      // Damage bad enough stops the check itself: report it with the rest.
      if (row.error_value().code != errc::corruption) return row.error_value();
      problems.push_back(row.error_value().message);
      break;
    }
    if (!*row) break;
    const std::string_view text = stmt->column_text(0);
    if (text == "ok") continue;
    // The first problem, without SQLite's "*** in database main ***" line.
    std::string_view first = text;
    if (first.starts_with("***") && first.find('\n') != first.npos)
      first.remove_prefix(first.find('\n') + 1);
    problems.emplace_back(first.substr(0, first.find('\n')));
    // SQLite words them "... page 15 cell 3: ...", several per row.
    for (size_t at = text.find("page "); at != text.npos; at = text.find("page ", at + 5)) {
      int64_t page = 0;
      auto [end, ec] = std::from_chars(text.data() + at + 5, text.data() + text.size(), page);
      if (ec == std::errc{} && page > 0) pages.insert(page);
    }
  }
  if (problems.empty()) return std::nullopt;
  auto page_size = db_.prepare("PRAGMA page_size");
  if (!page_size) return page_size.error_value();
  auto row = page_size->step();
  if (!row) return row.error_value();
  const int64_t size = *row ? page_size->column_int(0) : 0;
  std::string where;
  for (int64_t page : pages)
    where += (where.empty() ? "" : ", ") + std::to_string(page) + " (offset " +
             std::to_string((page - 1) * size) + ")";
  return error{errc::corruption, "sqlite " + db_.path() + ": integrity check found " +
                                     std::to_string(problems.size()) + " problem(s)" +
                                     (where.empty() ? "" : " on page(s) " + where) +
                                     "; first: " + problems.front()};
}

}  // namespace vigil::persist
