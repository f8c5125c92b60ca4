#include "services/notifications/domain/templates.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::notifications {
namespace {

using ::testing::HasSubstr;

TEST(TemplatesTest, ValuesAreEscapedInHtmlAndFlattenedInTheSubject) {
  absl::StatusOr<Templates> templates = Templates::Parse(
      {{"x.de.tmpl",
        "subject: Hallo {{name}}\n--- text\nHallo {{name}}\n--- html\n<p>{{name}}</p>\n"},
       {"x.en.tmpl",
        "subject: Hello {{name}}\n--- text\nHello {{name}}\n--- html\n<p>{{name}}</p>\n"}});
  ASSERT_TRUE(templates.ok()) << templates.status();
  absl::StatusOr<RenderedMail> mail =
      templates->Render("x", "de", {{"name", "<script>\"Ä\"</script>\r\nBcc: x"}});
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->subject, "Hallo <script>\"Ä\"</script>  Bcc: x");
  EXPECT_EQ(mail->text, "Hallo <script>\"Ä\"</script>\r\nBcc: x\n");
  EXPECT_EQ(mail->html, "<p>&lt;script&gt;&quot;Ä&quot;&lt;/script&gt;\r\nBcc: x</p>\n");
  EXPECT_EQ(templates->Render("x", "en", {{"name", "A"}})->subject, "Hello A");
  EXPECT_EQ(templates->Render("x", "fr", {{"name", "A"}})->subject, "Hallo A");  // German default
  EXPECT_EQ(templates->Render("y", "de", {}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(templates->Render("x", "de", {}).status().code(), absl::StatusCode::kInternal);
}

TEST(TemplatesTest, TripleBracesInsertHtmlTheCodeBuilt) {
  absl::StatusOr<Templates> templates = Templates::Parse(
      {{"x.de.tmpl", "subject: s\n--- text\n{{list}}\n--- html\n{{{list}}} {{list}}\n"}});
  ASSERT_TRUE(templates.ok());
  EXPECT_EQ(templates->Render("x", "de", {{"list", "<ul></ul>"}})->html,
            "<ul></ul> &lt;ul&gt;&lt;/ul&gt;\n");
}

TEST(TemplatesTest, RefusesMalformedFilesAndAMissingGermanOne) {
  EXPECT_FALSE(Templates::Parse({{"x.de.tmpl", "no subject\n--- text\n--- html\n"}}).ok());
  EXPECT_FALSE(Templates::Parse({{"x.de.tmpl", "subject: s\n--- html\nh\n--- text\nt\n"}}).ok());
  EXPECT_FALSE(Templates::Parse({{"x.en.tmpl", "subject: s\n--- text\nt\n--- html\nh\n"}}).ok());
  EXPECT_FALSE(Templates::Parse({{"x.fr.tmpl", "subject: s\n--- text\nt\n--- html\nh\n"}}).ok());
}

TEST(TemplatesTest, TheShippedTemplatesLoadAndEveryTypeHasGermanAndEnglish) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(STADT_NOTIFICATIONS_TEMPLATES)) {
    std::ifstream in(entry.path());
    files[entry.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  absl::StatusOr<Templates> templates = Templates::Parse(files);
  ASSERT_TRUE(templates.ok()) << templates.status();
  for (const char* type :
       {"booking_confirmed", "booking_email_confirmation", "booking_rescheduled",
        "booking_cancelled", "booking_reminder", "booking_links", "video_confirmed",
        "video_rescheduled", "video_cancelled", "video_reminder"}) {
    EXPECT_TRUE(files.contains(std::string(type) + ".de.tmpl")) << type;
    EXPECT_TRUE(files.contains(std::string(type) + ".en.tmpl")) << type;
  }
}

}  // namespace
}  // namespace stadt::notifications
