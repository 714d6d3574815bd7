#include "storage/persist/sqlite.hpp"

#include <sqlite3.h>

namespace vigil::persist {

void database::closer::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}
void statement::finalizer::operator()(sqlite3_stmt* s) const {
  sqlite3_finalize(s);
}

database::~database() = default;

int64_t database::changes() const {
  return sqlite3_changes64(db_.get());
}

error database::make_error(std::string_view what, int rc) const {
  std::string msg = "sqlite " + path_ + ": " + std::string{what} + ": ";
  msg += db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  errc code = primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB ? errc::corruption
              : primary == SQLITE_BUSY || primary == SQLITE_LOCKED  ? errc::unavailable
              : primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN
                  ? errc::io_error
                  : errc::internal;
  return {code, std::move(msg)};
}

expected<database> database::open(const std::string& path, bool read_only) {
  sqlite3* raw = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  database db{path, raw};
  if (rc != SQLITE_OK) return db.make_error("open", rc);
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  if (!read_only) {
    // 16 KiB pages (for a new file; an existing one keeps its size): with
    // blocks of about a kilobyte, SQLite leaves 30 % of 4 KiB pages empty
    // and 3 % of 16 KiB ones. WAL: readers see the last commit while the
    // writer works. NORMAL synchronous is durable across process crashes;
    // our own WAL covers the rest.
    if (auto err = db.exec("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; "
                           "PRAGMA synchronous=NORMAL;"))
      return *err;
  }
  return db;
}

std::optional<error> database::exec(std::string_view sql) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db_.get(), std::string{sql}.c_str(), nullptr, nullptr, &msg);
  sqlite3_free(msg);
  if (rc != SQLITE_OK) return make_error("exec", rc);
  return std::nullopt;
}

expected<statement> database::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) return make_error("prepare \"" + std::string{sql} + "\"", rc);
  return statement{this, raw};
}

namespace {

std::optional<error> check_bind(const database& db, int rc) {
  if (rc == SQLITE_OK) return std::nullopt;
  return db.make_error("bind", rc);
}

}  // namespace

statement& statement::bind(int index, int64_t v) {
  if (auto e = check_bind(*db_, sqlite3_bind_int64(stmt_.get(), index, v))) bind_error_ = e;
  return *this;
}

statement& statement::bind(int index, double v) {
  if (auto e = check_bind(*db_, sqlite3_bind_double(stmt_.get(), index, v))) bind_error_ = e;
  return *this;
}

statement& statement::bind(int index, std::string_view text) {
  if (auto e = check_bind(*db_, sqlite3_bind_text(stmt_.get(), index, text.data(),
                                                  static_cast<int>(text.size()), SQLITE_TRANSIENT)))
    bind_error_ = e;
  return *this;
}

statement& statement::bind_blob(int index, std::span<const uint8_t> blob) {
  if (auto e = check_bind(*db_, sqlite3_bind_blob(stmt_.get(), index, blob.data(),
                                                  static_cast<int>(blob.size()), SQLITE_STATIC)))
    bind_error_ = e;
  return *this;
}

expected<bool> statement::step() {
  if (bind_error_) return *std::exchange(bind_error_, std::nullopt);
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->make_error("step", rc);
}

std::optional<error> statement::run() {
  auto r = step();
  reset();
  if (!r) return r.error_value();
  return std::nullopt;
}

void statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

int64_t statement::column_int(int col) const {
  return sqlite3_column_int64(stmt_.get(), col);
}

double statement::column_double(int col) const {
  return sqlite3_column_double(stmt_.get(), col);
}

std::string_view statement::column_text(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), col));
  return p ? std::string_view{p, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col))}
           : std::string_view{};
}

std::span<const uint8_t> statement::column_blob(int col) const {
  auto p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_.get(), col));
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col))};
}

transaction::transaction(database& db) : db_(db) {
  begin_error_ = db_.exec("BEGIN IMMEDIATE");
  open_ = !begin_error_;
}

transaction::~transaction() {
  if (open_) (void)db_.exec("ROLLBACK");
}

std::optional<error> transaction::commit() {
  if (!open_) return begin_error_ ? begin_error_ : error{errc::internal, "transaction not open"};
  auto err = db_.exec("COMMIT");
  if (!err) open_ = false;
  return err;
}

}  // namespace vigil::persist
