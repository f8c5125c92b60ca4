#include "services/appointments/domain/cached_catalog_repository.h"

#include "gtest/gtest.h"
#include "services/appointments/domain/in_memory_catalog_repository.h"
#include "services/common/fake_clock.h"

namespace stadt::appointments {
namespace {

Office MakeOffice(std::string id, std::string name) {
  Office office;
  office.id = std::move(id);
  office.name = std::move(name);
  office.district = "Mitte";
  return office;
}

TEST(CachedCatalogRepositoryTest, ServesFromCacheUntilTheTtlPasses) {
  InMemoryCatalogRepository inner;
  Catalog catalog;
  catalog.offices = {MakeOffice("mitte", "Old name")};
  catalog.services = {{"id-card", "ID card", 20}};
  ASSERT_TRUE(inner.ApplySeed(catalog, "test").ok());
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  CachedCatalogRepository cached(inner, clock, absl::Seconds(1));

  EXPECT_EQ(cached.ListOffices("", "", 10)->front().name, "Old name");
  ASSERT_TRUE(inner.PutOffice(MakeOffice("mitte", "New name")).ok());  // another replica
  EXPECT_EQ(cached.ListOffices("", "", 10)->front().name, "Old name");
  EXPECT_EQ(cached.GetOffice("mitte")->name, "New name");  // single offices are never cached
  clock.Advance(absl::Seconds(2));
  EXPECT_EQ(cached.ListOffices("", "", 10)->front().name, "New name");
}

TEST(CachedCatalogRepositoryTest, OwnWritesInvalidateAndErrorsAreNotCached) {
  InMemoryCatalogRepository inner;
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  CachedCatalogRepository cached(inner, clock, absl::Minutes(1));
  inner.SetAvailable(false);
  EXPECT_EQ(cached.ListOffices("", "", 10).status().code(), absl::StatusCode::kUnavailable);
  inner.SetAvailable(true);
  EXPECT_TRUE(cached.ListOffices("", "", 10)->empty());
  ASSERT_TRUE(cached.PutOffice(MakeOffice("west", "West")).ok());
  EXPECT_EQ(cached.ListOffices("", "", 10)->size(), 1u);
}

TEST(CachedCatalogRepositoryTest, ShowsACachedOfficeUntilTheTtlPassesButChecksReadItFresh) {
  InMemoryCatalogRepository inner;
  ASSERT_TRUE(inner.PutOffice(MakeOffice("mitte", "Old name")).ok());
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  CachedCatalogRepository cached(inner, clock, absl::Seconds(1));

  EXPECT_FALSE(cached.ShowOfficeWithoutIo("mitte").has_value());  // not read yet
  EXPECT_EQ(cached.ShowOffice("mitte")->name, "Old name");
  ASSERT_TRUE(inner.PutOffice(MakeOffice("mitte", "New name")).ok());  // another replica
  EXPECT_EQ(cached.ShowOffice("mitte")->name, "Old name");
  EXPECT_EQ(cached.ShowOfficeWithoutIo("mitte")->name, "Old name");
  EXPECT_EQ(cached.GetOffice("mitte")->name, "New name");  // what holds check: never cached
  clock.Advance(absl::Seconds(2));
  EXPECT_FALSE(cached.ShowOfficeWithoutIo("mitte").has_value());
  EXPECT_EQ(cached.ShowOffice("mitte")->name, "New name");
}

TEST(CachedCatalogRepositoryTest, OwnOfficeWritesEmptyTheOfficeCacheAndMissesAreNotCached) {
  InMemoryCatalogRepository inner;
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  CachedCatalogRepository cached(inner, clock, absl::Minutes(1));
  EXPECT_EQ(cached.ShowOffice("west").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(cached.PutOffice(MakeOffice("west", "West")).ok());
  EXPECT_EQ(cached.ShowOffice("west")->name, "West");
  ASSERT_TRUE(cached.PutOffice(MakeOffice("west", "West 2")).ok());
  EXPECT_FALSE(cached.ShowOfficeWithoutIo("west").has_value());
  EXPECT_EQ(cached.ShowOffice("west")->name, "West 2");
}

}  // namespace
}  // namespace stadt::appointments
