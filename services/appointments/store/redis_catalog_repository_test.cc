#include "services/appointments/store/redis_catalog_repository.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/reason.h"
#include "tests/harness/redis_test.h"

namespace stadt::appointments {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

Office MakeOffice(std::string id, std::string district, std::vector<std::string> services = {}) {
  Office office;
  office.id = std::move(id);
  office.name = "Buergerbuero";
  office.district = std::move(district);
  office.address = {"Marktplatz 1", "70173", "Stuttgart"};
  office.opening_hours = {{1, 480, 1080}};
  office.service_ids = std::move(services);
  return office;
}

Catalog SampleCatalog() {
  Catalog catalog;
  catalog.services = {{"id-card", "ID card", 15}, {"passport", "Passport", 20}};
  catalog.offices = {MakeOffice("mitte", "Mitte", {"passport", "id-card"}),
                     MakeOffice("bad-cannstatt", "Bad Cannstatt", {"id-card"}),
                     MakeOffice("west", "West")};
  return catalog;
}

// Reconnect attempts 1-5 ms apart instead of the default backoff.
redis::Options ClientOptions() {
  redis::Options options;
  options.min_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(5);
  return options;
}

class RedisCatalogRepositoryTest : public testing::RedisTest {
 protected:
  RedisCatalogRepositoryTest() : RedisTest(ClientOptions()) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    repository_ = std::make_unique<RedisCatalogRepository>(redis());
  }

  std::unique_ptr<RedisCatalogRepository> repository_;
};

TEST_F(RedisCatalogRepositoryTest, SeedsOnceAndReadsBack) {
  ASSERT_TRUE(repository_->ApplySeed(SampleCatalog(), "test").value());
  Catalog other;
  other.offices = {MakeOffice("intruder", "Mitte")};
  EXPECT_FALSE(repository_->ApplySeed(other, "test").value());

  EXPECT_EQ(repository_->GetOffice("mitte").value(), SampleCatalog().offices[0]);
  EXPECT_EQ(repository_->GetOffice("intruder").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(repository_->GetOffice("intruder").status()), "office_not_found");
  EXPECT_THAT(repository_->GetServices({"passport", "ghost", "id-card"}).value(),
              ElementsAre(Field(&ServiceType::id, "passport"), Field(&ServiceType::id, "id-card")));
}

TEST_F(RedisCatalogRepositoryTest, AChangedSeedFileIsAppliedOnce) {
  ASSERT_TRUE(repository_->ApplySeed(SampleCatalog(), "v1").value());
  Catalog edited = SampleCatalog();
  edited.offices[2].district = "Sued";
  edited.offices[2].name = "Buergerbuero West (renovated)";
  EXPECT_FALSE(repository_->ApplySeed(edited, "v1").value());  // same version: untouched
  EXPECT_EQ(repository_->GetOffice("west")->district, "West");
  EXPECT_TRUE(repository_->ApplySeed(edited, "v2").value());
  EXPECT_EQ(repository_->GetOffice("west")->name, "Buergerbuero West (renovated)");
  EXPECT_TRUE(repository_->ListOffices("West", "", 10).value().empty());
  EXPECT_EQ(repository_->ListOffices("Sued", "", 10).value().size(), 1u);
}

TEST_F(RedisCatalogRepositoryTest, ListsInIdOrderWithCursorAndDistrict) {
  ASSERT_TRUE(repository_->ApplySeed(SampleCatalog(), "test").ok());
  EXPECT_THAT(repository_->ListOffices("", "", 2).value(),
              ElementsAre(Field(&Office::id, "bad-cannstatt"), Field(&Office::id, "mitte")));
  EXPECT_THAT(repository_->ListOffices("", "mitte", 10).value(),
              ElementsAre(Field(&Office::id, "west")));
  EXPECT_THAT(repository_->ListOffices("Bad Cannstatt", "", 10).value(),
              ElementsAre(Field(&Office::id, "bad-cannstatt")));
  EXPECT_TRUE(repository_->ListOffices("Nowhere", "", 10).value().empty());
}

TEST_F(RedisCatalogRepositoryTest, DistrictIgnoresCaseAccentsAndHyphens) {
  Catalog catalog = SampleCatalog();
  catalog.offices.push_back(MakeOffice("muehlhausen", "Mühlhausen"));
  ASSERT_TRUE(repository_->ApplySeed(catalog, "test").ok());
  for (const char* district : {"bad cannstatt", "BAD-CANNSTATT", "Bad  Cannstatt"}) {
    EXPECT_THAT(repository_->ListOffices(district, "", 10).value(),
                ElementsAre(Field(&Office::id, "bad-cannstatt")))
        << district;
  }
  for (const char* district : {"muhlhausen", "Muehlhausen", "MÜHLHAUSEN"}) {
    EXPECT_THAT(repository_->ListOffices(district, "", 10).value(),
                ElementsAre(Field(&Office::id, "muehlhausen")))
        << district;
  }
  // The office keeps its district as written.
  EXPECT_EQ(repository_->GetOffice("muehlhausen")->district, "Mühlhausen");
}

TEST_F(RedisCatalogRepositoryTest, ChangingOnlyTheSpellingKeepsOneIndexEntry) {
  ASSERT_TRUE(repository_->ApplySeed(SampleCatalog(), "test").ok());
  ASSERT_TRUE(repository_->PutOffice(MakeOffice("mitte", "MITTE", {"passport"})).ok());
  EXPECT_THAT(repository_->ListOffices("mitte", "", 10).value(),
              ElementsAre(Field(&Office::id, "mitte")));
  ASSERT_TRUE(repository_->PutOffice(MakeOffice("mitte", "Süd", {"passport"})).ok());
  EXPECT_TRUE(repository_->ListOffices("Mitte", "", 10).value().empty());
  EXPECT_THAT(repository_->ListOffices("sued", "", 10).value(),
              ElementsAre(Field(&Office::id, "mitte")));
}

TEST_F(RedisCatalogRepositoryTest, PutOfficeMovesDistrictIndexAtomically) {
  ASSERT_TRUE(repository_->ApplySeed(SampleCatalog(), "test").ok());
  Office moved = MakeOffice("west", "Sued");
  ASSERT_TRUE(repository_->PutOffice(moved).ok());
  EXPECT_TRUE(repository_->ListOffices("West", "", 10).value().empty());
  EXPECT_THAT(repository_->ListOffices("Sued", "", 10).value(),
              ElementsAre(Field(&Office::id, "west")));
  EXPECT_EQ(repository_->GetOffice("west").value(), moved);
}

TEST_F(RedisCatalogRepositoryTest, ConcurrentSeedingLoadsExactlyOnce) {
  constexpr int kReplicas = 6;
  std::atomic<int> seeded{0};
  std::vector<std::thread> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&] {
      if (repository_->ApplySeed(SampleCatalog(), "test").value_or(false)) ++seeded;
    });
  }
  for (std::thread& replica : replicas) replica.join();
  EXPECT_EQ(seeded.load(), 1);
  EXPECT_EQ(repository_->ListOffices("", "", 10).value().size(), 3u);
}

TEST_F(RedisCatalogRepositoryTest, CorruptRecordIsInternalNotACrash) {
  ASSERT_TRUE(redis().Command({"SET", "appt:{catalog}:office:bad", "{not json"}).ok());
  EXPECT_EQ(repository_->GetOffice("bad").status().code(), absl::StatusCode::kInternal);
}

TEST_F(RedisCatalogRepositoryTest, RedisDownIsUnavailable) {
  ASSERT_TRUE(repository_->ApplySeed(SampleCatalog(), "test").ok());
  redis_server().Kill();
  EXPECT_EQ(repository_->GetOffice("mitte").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(repository_->ListOffices("", "", 5).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace stadt::appointments
