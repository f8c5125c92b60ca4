#pragma once

#include <map>
#include <string>

#include "services/notifications/domain/mail_composer.h"

namespace stadt::notifications {

// Hands each event to the composer of its outbox stream (the booking
// services', parking's, daycare's); an event of a stream without one is not
// mailed. The composers must outlive this.
class RoutedComposer final : public MailComposer {
 public:
  explicit RoutedComposer(std::map<std::string, const MailComposer*> by_stream)
      : by_stream_(std::move(by_stream)) {}

  absl::StatusOr<std::optional<Mail>> Compose(const OutboxEvent& event) const override {
    auto it = by_stream_.find(event.stream);
    if (it == by_stream_.end()) return std::nullopt;
    return it->second->Compose(event);
  }
  std::string SourceOf(const OutboxEvent& event) const override {
    auto it = by_stream_.find(event.stream);
    return it == by_stream_.end() ? "unknown" : it->second->SourceOf(event);
  }

 private:
  std::map<std::string, const MailComposer*> by_stream_;
};

}  // namespace stadt::notifications
