#include "services/notifications/domain/templates.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace stadt::notifications {
namespace {

enum class Escape { kNone, kHtml, kHeader };

std::string EscapeFor(Escape escape, absl::string_view value) {
  switch (escape) {
    case Escape::kNone:
      return std::string(value);
    case Escape::kHtml:
      return EscapeHtml(value);
    case Escape::kHeader: {
      std::string out(value);
      for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
      }
      return out;
    }
  }
  return "";
}

absl::StatusOr<std::string> Fill(absl::string_view text, const TemplateValues& values,
                                 Escape escape) {
  std::string out;
  size_t i = 0;
  while (true) {
    const size_t open = text.find("{{", i);
    if (open == absl::string_view::npos) break;
    // {{{name}}}: a value the code has already written as HTML.
    const bool raw = text.substr(open, 3) == "{{{";
    const size_t name_start = open + (raw ? 3 : 2);
    const size_t close = text.find(raw ? "}}}" : "}}", name_start);
    if (close == absl::string_view::npos) break;
    absl::StrAppend(&out, text.substr(i, open - i));
    const absl::string_view name = text.substr(name_start, close - name_start);
    auto it = values.find(name);
    if (it == values.end()) {
      return absl::InternalError(absl::StrCat("template placeholder without value: ", name));
    }
    out += raw ? it->second : EscapeFor(escape, it->second);
    i = close + (raw ? 3 : 2);
  }
  absl::StrAppend(&out, text.substr(i));
  return out;
}

absl::StatusOr<RenderedMail> ParseOne(const std::string& file, absl::string_view content) {
  const absl::Status malformed = absl::InvalidArgumentError(absl::StrCat(
      "template ", file, ": expected 'subject: ...', then '--- text' and '--- html' lines"));
  if (!absl::ConsumePrefix(&content, "subject:")) return malformed;
  const size_t text_mark = content.find("\n--- text\n");
  const size_t html_mark = content.find("\n--- html\n");
  if (text_mark == absl::string_view::npos || html_mark == absl::string_view::npos ||
      html_mark < text_mark) {
    return malformed;
  }
  RenderedMail parts;
  parts.subject = std::string(absl::StripAsciiWhitespace(content.substr(0, text_mark)));
  if (parts.subject.empty() || absl::StrContains(parts.subject, '\n')) return malformed;
  parts.text = std::string(content.substr(text_mark + 10, html_mark - text_mark - 10 + 1));
  parts.html = std::string(content.substr(html_mark + 10));
  return parts;
}

}  // namespace

std::string EscapeHtml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

absl::StatusOr<Templates> Templates::Parse(const std::map<std::string, std::string>& files) {
  Templates templates;
  for (const auto& [file, content] : files) {
    absl::string_view name = file;
    if (!absl::ConsumeSuffix(&name, ".tmpl")) continue;
    const size_t dot = name.rfind('.');
    if (dot == absl::string_view::npos || dot == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("template ", file, ": expected <type>.<language>.tmpl"));
    }
    const std::string language(name.substr(dot + 1));
    if (language != kGerman && language != kEnglish) {
      return absl::InvalidArgumentError(absl::StrCat("template ", file, ": language de or en"));
    }
    absl::StatusOr<RenderedMail> parts = ParseOne(file, content);
    if (!parts.ok()) return parts.status();
    templates.templates_[{std::string(name.substr(0, dot)), language}] = *std::move(parts);
  }
  for (const auto& [key, parts] : templates.templates_) {
    if (!templates.templates_.contains(std::pair<std::string, std::string>(key.first, kGerman))) {
      return absl::InvalidArgumentError(absl::StrCat("template ", key.first, ": the German one (",
                                                     key.first, ".de.tmpl) is missing"));
    }
  }
  return templates;
}

bool Templates::Has(absl::string_view type) const {
  return templates_.contains(std::pair<std::string, std::string>(type, kGerman));
}

absl::StatusOr<RenderedMail> Templates::Render(absl::string_view type, absl::string_view language,
                                               const TemplateValues& values) const {
  auto it = templates_.find(std::pair<std::string, std::string>(type, language));
  if (it == templates_.end()) {
    it = templates_.find(std::pair<std::string, std::string>(type, kGerman));
  }
  if (it == templates_.end()) {
    return absl::NotFoundError(absl::StrCat("no template for ", type));
  }
  RenderedMail out;
  absl::StatusOr<std::string> subject = Fill(it->second.subject, values, Escape::kHeader);
  if (!subject.ok()) return subject.status();
  absl::StatusOr<std::string> text = Fill(it->second.text, values, Escape::kNone);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::string> html = Fill(it->second.html, values, Escape::kHtml);
  if (!html.ok()) return html.status();
  return RenderedMail{*std::move(subject), *std::move(text), *std::move(html)};
}

}  // namespace stadt::notifications
