// Tests of storage/base/file_system.hpp's POSIX implementation; they live
// with the WAL tests, its first user.

#include "storage/base/file_system.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "wal_test_util.hpp"

using namespace vigil;
using namespace vigil::wal::test;

TEST_CASE("posix file system writes, reads, truncates and lists", "[wal][file_system]") {
  temp_dir dir;
  auto& fs = posix_file_system();
  const std::string path = dir / "data";
  {
    auto f = fs.open_writable(path);
    REQUIRE(f);
    REQUIRE_FALSE((*f)->append("hello "));
    REQUIRE_FALSE((*f)->append("world"));
    REQUIRE_FALSE((*f)->sync());
    REQUIRE_FALSE((*f)->close());
    CHECK((*f)->close());  // a second close fails rather than closing a reused fd
  }
  {
    auto f = fs.open_appendable(path);
    REQUIRE(f);
    REQUIRE_FALSE((*f)->append("!"));
  }
  CHECK(fs.read_file(path).value() == "hello world!");
  CHECK(fs.file_size(path).value() == 12);
  auto r = fs.open_readable(path);
  REQUIRE(r);
  std::string out;
  REQUIRE_FALSE((*r)->read_at(6, 100, out));
  CHECK(out == "world!");  // short only at the end of the file
  REQUIRE_FALSE(fs.truncate(path, 5));
  CHECK(fs.read_file(path).value() == "hello");
  {
    auto f = fs.open_writable(path);  // truncates
    REQUIRE(f);
  }
  CHECK(fs.file_size(path).value() == 0);

  REQUIRE_FALSE(fs.create_dir(dir / "sub"));
  REQUIRE_FALSE(fs.create_dir(dir / "sub"));  // idempotent
  REQUIRE_FALSE(fs.rename(path, dir / "sub/moved"));
  REQUIRE_FALSE(fs.sync_dir(dir / "sub"));
  auto names = fs.list_dir(dir.path());
  REQUIRE(names);
  CHECK(*names == std::vector<std::string>{"sub"});
  CHECK(fs.list_dir(dir / "sub").value() == std::vector<std::string>{"moved"});
  CHECK(fs.remove_dir(dir / "sub"));  // not empty
  REQUIRE_FALSE(fs.remove_file(dir / "sub/moved"));
  REQUIRE_FALSE(fs.remove_dir(dir / "sub"));
  CHECK(fs.list_dir(dir.path()).value().empty());
}

TEST_CASE("posix file system errors name the operation, the path and the reason",
          "[wal][file_system]") {
  temp_dir dir;
  auto& fs = posix_file_system();
  const std::string missing = dir / "missing";
  auto r = fs.open_readable(missing);
  REQUIRE_FALSE(r);
  CHECK(r.error_value().code == errc::not_found);
  CHECK(r.error_value().message == "open " + missing + ": No such file or directory");
  CHECK(fs.list_dir(missing).error_value().code == errc::not_found);
  CHECK(fs.remove_file(missing)->code == errc::not_found);
  CHECK(fs.truncate(missing, 0)->message.starts_with("truncate " + missing));
  auto not_dir = fs.create_dir(dir / "missing/child");
  REQUIRE(not_dir);
  CHECK(not_dir->message.find("mkdir " + dir / "missing/child") == 0);
  // A file where a directory is wanted is an I/O error, not "not found".
  REQUIRE(fs.open_writable(missing));
  auto clash = fs.create_dir(missing);
  REQUIRE(clash);
  CHECK(clash->code == errc::io_error);
  CHECK_THAT(clash->message, Catch::Contains("File exists"));
}
