#pragma once

// A thin RAII layer over SQLite's C API: a connection and prepared
// statements with typed binds and columns, and a transaction guard. Errors
// come back as vigil::error with SQLite's message and the database path.
//
// Thread-safety: one connection per thread (SQLite is built serialized in
// Debian, but statements are not meant to be shared).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "storage/base/expected.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::persist {

class statement;

class database {
 public:
  /// Opens (creating if needed) `path` in WAL journal mode with
  /// synchronous=NORMAL and a busy timeout, so readers never wait long on
  /// the writer. `read_only` opens an existing database for queries only.
  [[nodiscard]] static expected<database> open(const std::string& path, bool read_only = false);

  database(database&&) noexcept = default;
  database& operator=(database&&) noexcept = default;
  ~database();

  /// Runs one or more statements without results.
  [[nodiscard]] std::optional<error> exec(std::string_view sql);
  /// Compiles a statement.
  [[nodiscard]] expected<statement> prepare(std::string_view sql);

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  [[nodiscard]] int64_t changes() const;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] sqlite3* native() const { return db_.get(); }

  /// "sqlite <path>: <what>: <sqlite message>".
  [[nodiscard]] error make_error(std::string_view what, int rc) const;

 private:
  struct closer {
    void operator()(sqlite3* db) const;
  };
  database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  std::string path_;
  std::unique_ptr<sqlite3, closer> db_;
};

/// A prepared statement. Bind indexes are 1-based, columns 0-based (as in
/// SQLite). Reset before re-binding.
class statement {
 public:
  statement(statement&&) noexcept = default;
  statement& operator=(statement&&) noexcept = default;

  statement& bind(int index, int64_t v);
  statement& bind(int index, double v);
  statement& bind(int index, std::string_view text);
  /// The blob must stay alive until the statement is stepped.
  statement& bind_blob(int index, std::span<const uint8_t> blob);

  /// Advances: true when a row is available, false when done.
  [[nodiscard]] expected<bool> step();
  /// Steps a statement that returns no rows (INSERT, DELETE, ...).
  [[nodiscard]] std::optional<error> run();
  void reset();

  [[nodiscard]] int64_t column_int(int col) const;
  [[nodiscard]] double column_double(int col) const;
  [[nodiscard]] std::string_view column_text(int col) const;
  /// Valid until the next step or reset.
  [[nodiscard]] std::span<const uint8_t> column_blob(int col) const;

 private:
  friend class database;
  struct finalizer {
    void operator()(sqlite3_stmt* s) const;
  };
  statement(const database* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}

  const database* db_;
  std::unique_ptr<sqlite3_stmt, finalizer> stmt_;
  std::optional<error> bind_error_;
};

/// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit()
/// succeeded.
class transaction {
 public:
  explicit transaction(database& db);
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  /// Whether BEGIN succeeded; if not, the error.
  [[nodiscard]] const std::optional<error>& begin_error() const { return begin_error_; }
  [[nodiscard]] std::optional<error> commit();

 private:
  database& db_;
  std::optional<error> begin_error_;
  bool open_ = false;
};

}  // namespace vigil::persist
