#include "storage/persist/catalog.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.hpp"

using namespace vigil;
using namespace vigil::persist;
namespace fs = std::filesystem;

namespace {

chunk_record block(uint64_t id, uint8_t tier, int64_t min_t, int64_t max_t, uint8_t fill) {
  return {id, tier, min_t, max_t, 3, std::vector<uint8_t>(16, fill)};
}

}  // namespace

TEST_CASE("label sets round-trip through the binary encoding", "[persist]") {
  auto ls = *labels::from({{"__name__", "up"}, {"job", "a\xff\n"}});
  auto back = decode_labels(encode_labels(ls));
  REQUIRE(back);
  CHECK(*back == ls);
  auto bytes = encode_labels(ls);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    auto r = decode_labels(std::span{bytes}.first(cut));
    CHECK_FALSE(r);
  }
}

TEST_CASE("the catalog stores series and blocks and finds overlapping ones", "[persist]") {
  test::temp_dir dir;
  auto cat = catalog::open(dir / "shard.db");
  REQUIRE(cat);
  std::vector<series_record> series{{1, *labels::from({{"__name__", "a"}})},
                                    {2, *labels::from({{"__name__", "b"}})}};
  REQUIRE_FALSE(cat->put_series(series));
  REQUIRE_FALSE(cat->put_series(series));  // idempotent
  std::vector<chunk_record> blocks{block(1, 0, 0, 99, 1), block(1, 0, 100, 199, 2),
                                   block(1, 1, 0, 199, 3), block(2, 0, 0, 99, 4)};
  REQUIRE_FALSE(cat->put_chunks(blocks));
  auto all = cat->all_series();
  REQUIRE(all);
  CHECK(all->size() == 2);
  CHECK(all->at(1).ls.metric_name() == "b");
  auto found = cat->chunks(1, 0, 150, 500);
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK(found->front().min_t == 100);
  CHECK(found->front().data == std::vector<uint8_t>(16, 2));
  CHECK(cat->chunks(1, 0, 0, 1000)->size() == 2);
  // Same key replaces: re-running an interrupted flush is harmless.
  REQUIRE_FALSE(cat->put_chunks(std::vector{block(1, 0, 100, 199, 9)}));
  CHECK(cat->chunks(1, 0, 100, 100)->front().data == std::vector<uint8_t>(16, 9));
  auto usage = cat->usage();
  REQUIRE(usage);
  CHECK(usage->at(0).blocks == 3);
  CHECK(usage->at(0).bytes == 48);
  CHECK(usage->at(1).samples == 3);
}

TEST_CASE("blocks past their tier's cutoff are deleted", "[persist]") {
  test::temp_dir dir;
  auto cat = catalog::open(dir / "shard.db");
  REQUIRE_FALSE(cat->put_chunks(
      std::vector{block(1, 0, 0, 99, 1), block(1, 0, 100, 199, 2), block(1, 1, 0, 99, 3)}));
  auto deleted = cat->delete_before(0, 150);
  REQUIRE(deleted);
  CHECK(*deleted == 1);
  CHECK(cat->chunks(1, 0, 0, 1000)->size() == 1);
  CHECK(cat->chunks(1, 1, 0, 1000)->size() == 1);
}

TEST_CASE("metadata persists across reopening", "[persist]") {
  test::temp_dir dir;
  {
    auto cat = catalog::open(dir / "shard.db");
    REQUIRE_FALSE(cat->set_meta("k", "v"));
  }
  auto cat = catalog::open(dir / "shard.db");
  CHECK(*cat->meta("k") == "v");
  CHECK(*cat->meta_int("schema_version") == schema_version);
  CHECK_FALSE(*cat->meta("unset"));
  auto bad = cat->meta_int("k");
  REQUIRE_FALSE(bad);
  CHECK(bad.error_value().code == errc::corruption);
}

TEST_CASE("a damaged database page is reported with the file", "[persist]") {
  test::temp_dir dir;
  auto path = dir / "shard.db";
  {
    auto cat = catalog::open(path);
    std::vector<chunk_record> blocks;
    for (uint64_t i = 0; i < 2000; ++i) blocks.push_back(block(i, 0, 0, 99, 7));
    REQUIRE_FALSE(cat->put_chunks(blocks));
    // Fold the WAL into the main file so the damage below hits real pages.
    REQUIRE_FALSE(cat->set_meta("x", "y"));
  }
  {
    auto db = database::open(path);
    REQUIRE_FALSE(db->exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  auto size = fs::file_size(path);
  constexpr uint64_t page_size = 16384;
  REQUIRE(size > 8 * page_size);
  {
    std::fstream f{path, std::ios::in | std::ios::out | std::ios::binary};
    // Cell pointers of a table page: SQLite opens the file and the check
    // names the page.
    f.seekp(static_cast<std::streamoff>(size / 2 / page_size * page_size + 16));
    std::string garbage(64, '\xff');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto cat = catalog::open(path);
  REQUIRE(cat);  // the header and schema pages are intact
  auto err = cat->check_integrity();
  REQUIRE(err);
  CHECK(err->code == errc::corruption);
  CHECK_THAT(err->message, Catch::Contains(path));
  // The damaged page, as a page number and a byte offset in the file.
  const auto page = size / 2 / page_size + 1;
  CHECK_THAT(err->message, Catch::Contains(std::to_string(page) + " (offset " +
                                           std::to_string((page - 1) * page_size) + ")"));
  CHECK_THAT(err->message, !Catch::Contains("***"));
}

TEST_CASE("a version 1 database is migrated with its blocks", "[persist]") {
  test::temp_dir dir;
  const std::string path = dir / "shard.db";
  {
    auto db = database::open(path);
    REQUIRE(db);
    REQUIRE_FALSE(db->exec(R"(
      CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES('schema_version', '1');
      CREATE TABLE chunks(series_id INTEGER NOT NULL, tier INTEGER NOT NULL,
        min_t INTEGER NOT NULL, max_t INTEGER NOT NULL, samples INTEGER NOT NULL,
        data BLOB NOT NULL, PRIMARY KEY(series_id, tier, min_t)) WITHOUT ROWID;
      CREATE INDEX chunks_by_tier_end ON chunks(tier, max_t);
      INSERT INTO chunks VALUES(7, 0, 10, 20, 3, x'0102');)"));
  }
  auto cat = catalog::open(path);
  REQUIRE(cat);
  CHECK(*cat->meta_int("schema_version") == std::optional<int64_t>{schema_version});
  auto blocks = cat->chunks(7, 0, 0, 100);
  REQUIRE(blocks);
  REQUIRE(blocks->size() == 1);
  CHECK(blocks->front().data == std::vector<uint8_t>{1, 2});
  // Keys stay unique: the same block replaces the migrated one.
  REQUIRE_FALSE(cat->put_chunks(std::vector<chunk_record>{block(7, 0, 10, 20, 9)}));
  CHECK(cat->chunks(7, 0, 0, 100)->size() == 1);
}
