#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stadt::notifications {

// The languages mails are written in; German is the default.
inline constexpr char kGerman[] = "de";
inline constexpr char kEnglish[] = "en";

struct RenderedMail {
  std::string subject;
  std::string text;
  std::string html;
};

using TemplateValues = std::map<std::string, std::string, std::less<>>;

// The mail texts, one template per event type and language, kept as files in
// services/notifications/templates/<type>.<lang>.tmpl:
//
//   subject: Ihr Termin am {{date}}
//   --- text
//   Guten Tag {{name}}, ...
//   --- html
//   <p>Guten Tag {{name}}, ...</p>
//
// {{name}} is replaced by a value: as it is in the text, HTML-escaped in the
// HTML, with line breaks and controls as spaces in the subject. {{{name}}}
// inserts a value as it is, for HTML the code built with EscapeHtml (a list).
// A name without a value is an error (a template and its caller disagree).
class Templates {
 public:
  // `files`: file name ("booking_confirmed.de.tmpl") -> content. Every type
  // needs its German template; INVALID_ARGUMENT names a malformed file.
  static absl::StatusOr<Templates> Parse(const std::map<std::string, std::string>& files);

  // The mail of `type` in `language`, German when there is none in it.
  // NOT_FOUND for an unknown type, INTERNAL for a placeholder without value.
  absl::StatusOr<RenderedMail> Render(absl::string_view type, absl::string_view language,
                                      const TemplateValues& values) const;
  bool Has(absl::string_view type) const;

 private:
  // (type, language) -> the template's three parts.
  std::map<std::pair<std::string, std::string>, RenderedMail, std::less<>> templates_;
};

// &, <, >, " and ' as entities.
std::string EscapeHtml(absl::string_view text);

}  // namespace stadt::notifications
