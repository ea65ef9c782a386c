#include "history/history_db.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <stdexcept>

namespace gcbench {
namespace fs = std::filesystem;

namespace {

// Migration k takes a file from schema k to k + 1; never edit one that has shipped.
const std::vector<const char*> kMigrations = {
    // 0 -> 1
    R"sql(
      CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        digest TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        label TEXT NOT NULL,
        git_revision TEXT NOT NULL,
        machine TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));
      CREATE TABLE points (
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        series TEXT NOT NULL,
        value REAL NOT NULL,
        unit TEXT NOT NULL,
        PRIMARY KEY (source_id, series));
      CREATE INDEX points_by_series ON points(series);
      CREATE TABLE gcbench_history (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO gcbench_history VALUES ('format', 'gcbench history');
    )sql",
};
static_assert(kHistorySchemaVersion == 1, "add a migration for each new schema version");

void migrate(SQLite::Database& db, const fs::path& file) {
  const int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version > kHistorySchemaVersion) {
    throw std::runtime_error(
        fmt::format("{}: history schema version {} is newer than this gcbench reads ({}); use a "
                    "newer gcbench, or another --db",
                    file.string(), version, kHistorySchemaVersion));
  }
  if (version == 0 && db.execAndGet("SELECT count(*) FROM sqlite_master").getInt() > 0) {
    throw std::runtime_error(
        fmt::format("{} is an SQLite database, but not a gcbench history; give another --db", file.string()));
  }
  for (int from = version; from < kHistorySchemaVersion; ++from) {
    SQLite::Transaction transaction(db);
    db.exec(kMigrations[static_cast<std::size_t>(from)]);
    db.exec(fmt::format("PRAGMA user_version = {}", from + 1));
    transaction.commit();
  }
}

}  // namespace

History::History(fs::path file, std::unique_ptr<SQLite::Database> db) : file_(std::move(file)), db_(std::move(db)) {}
History::History(History&&) noexcept = default;
History::~History() = default;

History History::open(const fs::path& file) {
  try {
    if (file.has_parent_path()) fs::create_directories(file.parent_path());
    auto db = std::make_unique<SQLite::Database>(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->setBusyTimeout(10000);  // a second writer waits rather than fails
    db->exec("PRAGMA foreign_keys = ON");
    migrate(*db, file);
    return History(file, std::move(db));
  } catch (const SQLite::Exception& error) {
    throw std::runtime_error(fmt::format("{}: not a usable history database: {}", file.string(), error.what()));
  }
}

bool History::add(const HistorySource& source, const std::vector<HistoryPoint>& points) {
  SQLite::Transaction transaction(*db_);
  SQLite::Statement insert(*db_,
                           "INSERT OR IGNORE INTO sources (digest, kind, label, git_revision, machine, recorded_at) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, source.digest);
  insert.bind(2, source.kind);
  insert.bind(3, source.label);
  insert.bind(4, source.git_revision);
  insert.bind(5, source.machine);
  insert.bind(6, source.recorded_at);
  if (insert.exec() == 0) return false;  // already there; the transaction rolls back nothing
  const auto id = db_->getLastInsertRowid();
  SQLite::Statement point(*db_, "INSERT OR REPLACE INTO points (source_id, series, value, unit) VALUES (?, ?, ?, ?)");
  for (const auto& p : points) {
    point.bind(1, id);
    point.bind(2, p.series);
    point.bind(3, p.value);
    point.bind(4, p.unit);
    point.exec();
    point.reset();
  }
  transaction.commit();
  return true;
}

std::vector<SeriesInfo> History::series_names() const {
  std::vector<SeriesInfo> out;
  SQLite::Statement query(*db_, "SELECT series, max(unit) FROM points GROUP BY series ORDER BY series");
  while (query.executeStep()) out.push_back({query.getColumn(0).getString(), query.getColumn(1).getString()});
  return out;
}

std::vector<SeriesPoint> History::series(const std::string& name, const std::string& machine) const {
  SQLite::Statement query(*db_,
                          "SELECT s.git_revision, s.recorded_at, s.machine, p.value FROM points p JOIN sources s ON "
                          "s.id = p.source_id WHERE p.series = ? AND (? = '' OR s.machine = ?) ORDER BY s.recorded_at, s.id");
  query.bind(1, name);
  query.bind(2, machine);
  query.bind(3, machine);
  std::vector<SeriesPoint> out;
  while (query.executeStep()) {
    out.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(), query.getColumn(2).getString(),
                   query.getColumn(3).getDouble()});
  }
  return out;
}

std::vector<std::string> History::machines() const {
  std::vector<std::string> out;
  SQLite::Statement query(*db_, "SELECT DISTINCT machine FROM sources ORDER BY machine");
  while (query.executeStep()) out.push_back(query.getColumn(0).getString());
  return out;
}

std::size_t History::source_count() const {
  return static_cast<std::size_t>(db_->execAndGet("SELECT count(*) FROM sources").getInt64());
}

int History::schema_version() const { return db_->execAndGet("PRAGMA user_version").getInt(); }

}  // namespace gcbench
