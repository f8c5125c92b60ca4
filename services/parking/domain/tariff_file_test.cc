// The tariff file refuses what it cannot price honestly, and says on which
// line; the seed file the service ships with is valid.
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/parking/domain/json_read.h"
#include "services/parking/domain/tariff.h"

namespace stadt::parking {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<std::string> NoFiles(std::string_view) { return absl::NotFoundError("not found"); }

TEST(TariffFileTest, OverlappingWindowsNameTheirLines) {
  absl::StatusOr<std::vector<Tariff>> tariffs = ParseTariffs(R"({"tariffs": [
  {"id": "a",
   "windows": [
     {"days": [1, 2], "from": "08:00", "to": "12:00", "cents_per_hour": 100},
     {"days": [2, 3], "from": "11:00", "to": "13:00", "cents_per_hour": 200}
   ]}
]})",
                                                             NoFiles);
  EXPECT_EQ(tariffs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(tariffs.status().message(),
              HasSubstr("line 5: charging window overlaps the one on line 4"));
}

TEST(TariffFileTest, AMaximumLongerThanItsWindowNamesItsLine) {
  absl::StatusOr<std::vector<Tariff>> tariffs = ParseTariffs(R"({"tariffs": [
  {"id": "a", "windows": [
     {"days": [1], "from": "08:00", "to": "10:00", "cents_per_hour": 100,
      "max_parking_minutes": 180}]}
]})",
                                                             NoFiles);
  EXPECT_THAT(tariffs.status().message(),
              HasSubstr("line 3: maximum parking time of 180 minutes is longer than its window"));
}

TEST(TariffFileTest, AnUnknownHolidayFileNamesItsLine) {
  absl::StatusOr<std::vector<Tariff>> tariffs =
      ParseTariffs(R"({
  "holiday_calendars": {"bw": {"name": "Baden-Württemberg",
     "files": {"2026": "holidays-bw-2026.txt",
               "2027": "holidays-bw-2072.txt"}}},
  "tariffs": []})",
                   [](std::string_view name) -> absl::StatusOr<std::string> {
                     if (name == "holidays-bw-2026.txt") return std::string("2026-01-01 Neujahr\n");
                     return absl::NotFoundError("not found");
                   });
  EXPECT_EQ(tariffs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(tariffs.status().message(),
              HasSubstr("line 4: holiday file holidays-bw-2072.txt: not found"));
}

TEST(TariffFileTest, AnUnknownHolidayCalendarNamesItsLine) {
  absl::StatusOr<std::vector<Tariff>> tariffs = ParseTariffs(R"({"tariffs": [
  {"id": "a",
   "holidays": "by"}]})",
                                                             NoFiles);
  EXPECT_THAT(tariffs.status().message(), HasSubstr("line 3: unknown holiday calendar \"by\""));
}

TEST(TariffFileTest, AHolidayFileWithADateOfAnotherYearNamesBothLines) {
  absl::StatusOr<std::vector<Tariff>> tariffs = ParseTariffs(
      R"({
  "holiday_calendars": {"bw": {"name": "BW", "files": {"2027": "h.txt"}}},
  "tariffs": []})",
      [](std::string_view) -> absl::StatusOr<std::string> {
        return std::string("# comment\n2027-01-01 Neujahr\n2026-01-06 Heilige Drei Könige\n");
      });
  EXPECT_THAT(tariffs.status().message(),
              HasSubstr("line 2: holiday file h.txt line 3: 2026-01-06 is not in 2027"));
}

TEST(TariffFileTest, UnknownMembersAndBrokenJsonNameTheirLines) {
  EXPECT_THAT(ParseTariffs("{\"tariffs\": [\n{\"id\": \"a\",\n \"billing_increment_minutes\": 5}]}",
                           NoFiles)
                  .status()
                  .message(),
              HasSubstr("line 3: unknown member \"billing_increment_minutes\""));
  EXPECT_THAT(ParseTariffs("{\"tariffs\": [\n{\"id\": \"a\",\n}]}", NoFiles).status().message(),
              HasSubstr("line 3: not valid JSON"));
}

TEST(TariffFileTest, HolidayCalendarsMakeTheirDaysFree) {
  absl::StatusOr<std::vector<Tariff>> tariffs =
      ParseTariffs(R"({
  "holiday_calendars": {"bw": {"name": "BW", "files": {"2026": "a.txt", "2027": "b.txt"}}},
  "tariffs": [{"id": "a", "holidays": "bw", "free_dates": ["2026-12-24"]}]})",
                   [](std::string_view name) -> absl::StatusOr<std::string> {
                     return std::string(name == "a.txt" ? "2026-12-25 X\n" : "2027-01-01 Y\n");
                   });
  ASSERT_TRUE(tariffs.ok()) << tariffs.status();
  EXPECT_THAT(tariffs->front().free_dates,
              ::testing::ElementsAre("2026-12-24", "2026-12-25", "2027-01-01"));
  EXPECT_EQ(tariffs->front().holiday_calendar, "bw");
}

TEST(TariffFileTest, TheSeedFileIsValid) {
  const std::string dir = STADT_PARKING_SEED_DIR;
  auto read = [&dir](std::string_view name) -> absl::StatusOr<std::string> {
    std::ifstream file(dir + "/" + std::string(name));
    if (!file) return absl::NotFoundError("not found");
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  };
  absl::StatusOr<std::string> text = read("tariffs.json");
  ASSERT_TRUE(text.ok());
  absl::StatusOr<std::vector<Tariff>> tariffs = ParseTariffs(*text, read);
  ASSERT_TRUE(tariffs.ok()) << tariffs.status();
  EXPECT_EQ(tariffs->size(), 4u);
}

TEST(JsonLinesTest, FindsTheLineOfEveryValue) {
  const json_read::JsonLines lines(
      "{\"a\": [1,\n  {\"b\": \"x,]}\"},\n  [2]],\n \"c\": {\"d\": null}}");
  EXPECT_EQ(lines.LineOf(""), 1);
  EXPECT_EQ(lines.LineOf("a[0]"), 1);
  EXPECT_EQ(lines.LineOf("a[1].b"), 2);
  EXPECT_EQ(lines.LineOf("a[2][0]"), 3);
  EXPECT_EQ(lines.LineOf("c.d"), 4);
  EXPECT_EQ(lines.LineOf("e"), 0);
}

}  // namespace
}  // namespace stadt::parking
