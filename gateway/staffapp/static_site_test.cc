#include "gateway/staffapp/static_site.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::gateway {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("stadt_static_site_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "fonts");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(dir_ / relative, std::ios::binary) << text;
  }

  fs::path dir_;
};

TEST_F(StaticSiteTest, ServesEveryFileUnderThePrefixAndTheIndexAtThePrefix) {
  Write("index.html", "<!doctype html><title>Stadt</title>");
  Write("app.js", "export {};");
  Write("fonts/a.woff2", std::string("\0\1\2", 3));
  absl::StatusOr<std::unique_ptr<StaticSite>> site =
      StaticSite::Load(dir_.string(), "/staff/", "http://127.0.0.1:9400");
  ASSERT_TRUE(site.ok()) << site.status();

  ASSERT_NE((*site)->Find("/staff/"), nullptr);
  EXPECT_THAT((*site)->Find("/staff/")->body, HasSubstr("<title>Stadt</title>"));
  EXPECT_EQ((*site)->Find("/staff/index.html")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ((*site)->Find("/staff/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ((*site)->Find("/staff/fonts/a.woff2")->body, std::string("\0\1\2", 3));
  EXPECT_EQ((*site)->Find("/staff/missing.js"), nullptr);
  EXPECT_EQ((*site)->Find("/staff/../index.html"), nullptr);
  EXPECT_EQ((*site)->Find("/app.js"), nullptr);
  EXPECT_TRUE((*site)->Covers("/staff"));
  EXPECT_TRUE((*site)->Covers("/staff/x"));
  EXPECT_FALSE((*site)->Covers("/staffing"));
}

TEST_F(StaticSiteTest, TellsTheAppItsProviderAndLetsItFetchOnlyFromThere) {
  Write("index.html", "<!doctype html>");
  absl::StatusOr<std::unique_ptr<StaticSite>> site =
      StaticSite::Load(dir_.string(), "/staff/", "https://id.stadt.example:8443/realms/staff");
  ASSERT_TRUE(site.ok()) << site.status();
  EXPECT_EQ((*site)->Find("/staff/config.json")->body,
            R"({"issuer":"https://id.stadt.example:8443/realms/staff"})");
  const std::string& policy = (*site)->content_security_policy();
  EXPECT_THAT(policy, HasSubstr("connect-src 'self' https://id.stadt.example:8443;"));
  EXPECT_THAT(policy, HasSubstr("script-src 'self';"));
  EXPECT_THAT(policy, HasSubstr("require-trusted-types-for 'script'"));
  EXPECT_THAT(policy, Not(HasSubstr("unsafe")));
}

TEST_F(StaticSiteTest, RefusesABuildWithoutIndexOrWithUnknownFilesOrTooBig) {
  Write("app.js", "x");
  EXPECT_THAT(std::string(StaticSite::Load(dir_.string(), "/staff/", "").status().message()),
              HasSubstr("no index.html"));
  Write("index.html", "<!doctype html>");
  Write("run.sh", "rm -rf /");
  EXPECT_THAT(std::string(StaticSite::Load(dir_.string(), "/staff/", "").status().message()),
              HasSubstr("run.sh: no content type"));
  fs::remove(dir_ / "run.sh");
  EXPECT_FALSE(StaticSite::Load(dir_.string(), "/staff/", "", 4).ok());
  EXPECT_FALSE(StaticSite::Load((dir_ / "absent").string(), "/staff/", "").ok());
}

TEST_F(StaticSiteTest, RefusesSymbolicLinks) {
  Write("index.html", "<!doctype html>");
  fs::create_symlink("/etc/passwd", dir_ / "passwd.txt");
  EXPECT_THAT(std::string(StaticSite::Load(dir_.string(), "/staff/", "").status().message()),
              HasSubstr("not a regular file"));
}

TEST_F(StaticSiteTest, PairsEachFileWithItsCompressedForm) {
  Write("index.html", "<!doctype html>");
  Write("app.js", "export {};");
  Write("app.js.gz", std::string("\x1f\x8b\x08", 3));
  absl::StatusOr<std::unique_ptr<StaticSite>> site = StaticSite::Load(dir_.string(), "/staff/", "");
  ASSERT_TRUE(site.ok()) << site.status();
  EXPECT_EQ((*site)->Find("/staff/app.js")->body, "export {};");
  EXPECT_EQ((*site)->Find("/staff/app.js")->gzip_body, std::string("\x1f\x8b\x08", 3));
  EXPECT_EQ((*site)->Find("/staff/app.js.gz"), nullptr);
  EXPECT_EQ((*site)->Find("/staff/index.html")->gzip_body, "");
  Write("lonely.css.gz", "x");
  EXPECT_THAT(std::string(StaticSite::Load(dir_.string(), "/staff/", "").status().message()),
              HasSubstr("lonely.css.gz: no lonely.css beside it"));
}

TEST(AcceptsGzipTest, ReadsTheCodingsAndTheirWeights) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("x-gzip"));
}

TEST(OriginOfTest, KeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(OriginOf("http://127.0.0.1:9400"), "http://127.0.0.1:9400");
  EXPECT_EQ(OriginOf("https://id.example/a/b?c"), "https://id.example");
  EXPECT_EQ(OriginOf("http://localhost/stadt-dev"), "http://localhost");
  EXPECT_EQ(OriginOf("javascript:alert(1)"), "");
  EXPECT_EQ(OriginOf("not a url"), "");
}

}  // namespace
}  // namespace stadt::gateway
