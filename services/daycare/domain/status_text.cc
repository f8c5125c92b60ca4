#include "services/daycare/domain/status_text.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace stadt::daycare::season {
namespace {

std::string ProgramName(const std::vector<Program>& programs, const std::string& id) {
  for (const Program& program : programs) {
    if (program.id == id) return program.name.empty() ? program.id : program.name;
  }
  return id;
}

std::string Deadline(absl::Time deadline, Language language) {
  return absl::FormatTime(
      language == Language::kGerman ? "%d.%m.%Y, %H:%M UTC" : "%Y-%m-%d %H:%M UTC", deadline,
      absl::UTCTimeZone());
}

std::string ChildName(const Application& application, Language language) {
  if (!application.child.name.empty()) return application.child.name;
  return language == Language::kGerman ? "Ihr Kind" : "Your child";
}

std::string WaitingLists(const std::vector<WaitingRank>& waiting,
                         const std::vector<Program>& programs, Language language) {
  if (waiting.empty()) {
    return language == Language::kGerman
               ? "Es steht auf keiner Warteliste mehr (kein Wunsch, der noch frei werden kann)."
               : "It is on no waiting list any more (no wish that can still become free).";
  }
  std::string lists;
  for (const WaitingRank& rank : waiting) {
    absl::StrAppend(&lists, lists.empty() ? "" : "; ", ProgramName(programs, rank.program), ": ",
                    language == Language::kGerman ? "Platz " : "position ", rank.rank);
  }
  return absl::StrCat(language == Language::kGerman ? "Wartelisten: " : "Waiting lists: ", lists,
                      ".");
}

}  // namespace

ApplicationState StateOf(const Application& application, const Offer& offer, uint32_t rounds) {
  if (application.withdrawn || offer.state == OfferState::kWithdrawn) {
    return ApplicationState::kWithdrawn;
  }
  switch (offer.state) {
    case OfferState::kOpen:
      return ApplicationState::kOffered;
    case OfferState::kAccepted:
      return ApplicationState::kAccepted;
    case OfferState::kDeclined:
      return ApplicationState::kDeclined;
    case OfferState::kExpired:
      return ApplicationState::kExpired;
    case OfferState::kNone:
    case OfferState::kWithdrawn:
      break;
  }
  if (offer.last_round != 0) return ApplicationState::kWaiting;
  return rounds == 0 ? ApplicationState::kSubmitted : ApplicationState::kNotInRound;
}

std::string DescribeStatus(const ApplicationView& view, const std::vector<Program>& programs,
                           Language language) {
  const bool de = language == Language::kGerman;
  const std::string child = ChildName(view.application, language);
  const std::string program = ProgramName(programs, view.offer.program);
  switch (view.state) {
    case ApplicationState::kSubmitted:
      return de ? absl::StrCat("Der Antrag für ", child,
                               " ist eingegangen. Die Plätze werden nach dem Ende der Antragsfrist "
                               "vergeben.")
                : absl::StrCat("The application for ", child,
                               " has been received. Places are allocated after the application "
                               "period ends.");
    case ApplicationState::kOffered:
      return de ? absl::StrCat(child, " wird ein Platz in ", program, " angeboten (Runde ",
                               view.offer.round, "). Bitte nehmen Sie ihn bis ",
                               Deadline(view.offer.deadline, language),
                               " an oder lehnen Sie ihn ab.")
                : absl::StrCat(child, " is offered a place at ", program, " (round ",
                               view.offer.round, "). Please accept or decline it by ",
                               Deadline(view.offer.deadline, language), ".");
    case ApplicationState::kAccepted:
      return de ? absl::StrCat("Sie haben den Platz für ", child, " in ", program,
                               " angenommen. Wird bei einem höheren Wunsch ein Platz frei, rückt ",
                               child, " dorthin nach.")
                : absl::StrCat("You accepted the place for ", child, " at ", program,
                               ". If a place at a higher wish becomes free, ", child,
                               " moves up to it.");
    case ApplicationState::kDeclined:
      return de ? absl::StrCat("Sie haben das Angebot für ", program, " abgelehnt. ", child,
                               " hat derzeit keinen Platz und bleibt für die übrigen Wünsche im "
                               "Verfahren. ",
                               WaitingLists(view.offer.waiting, programs, language))
                : absl::StrCat("You declined the offer for ", program, ". ", child,
                               " has no place at the moment and stays in for the other wishes. ",
                               WaitingLists(view.offer.waiting, programs, language));
    case ApplicationState::kExpired:
      return de ? absl::StrCat("Das Angebot für ", program,
                               " ist abgelaufen, ohne dass Sie geantwortet haben. Der Antrag nimmt "
                               "an weiteren Runden nicht teil.")
                : absl::StrCat("The offer for ", program,
                               " expired without an answer. The application takes no part in "
                               "further rounds.");
    case ApplicationState::kWaiting:
      return de ? absl::StrCat("Nach Runde ", view.offer.last_round, " hat ", child,
                               " noch keinen Platz. ",
                               WaitingLists(view.offer.waiting, programs, language))
                : absl::StrCat("After round ", view.offer.last_round, ", ", child,
                               " has no place yet. ",
                               WaitingLists(view.offer.waiting, programs, language));
    case ApplicationState::kWithdrawn:
      return de ? absl::StrCat("Sie haben den Antrag für ", child, " zurückgezogen.")
                : absl::StrCat("You withdrew the application for ", child, ".");
    case ApplicationState::kNotInRound:
      return de ? absl::StrCat("Der Antrag für ", child,
                               " hat an der Vergabe nicht teilgenommen, weil bei ihrem Beginn "
                               "nicht alle angegebenen Kriterien geprüft waren.")
                : absl::StrCat("The application for ", child,
                               " took no part in the allocation: when it started, not all "
                               "claimed criteria had been verified.");
  }
  return "";
}

std::string DescribeCriteria(const std::vector<CriterionView>& criteria, Language language) {
  const bool de = language == Language::kGerman;
  std::string counted;
  std::string unverified;
  std::string rejected;
  for (const CriterionView& criterion : criteria) {
    std::string& list = criterion.counted                         ? counted
                        : criterion.verdict == Verdict::kRejected ? rejected
                                                                  : unverified;
    absl::StrAppend(&list, list.empty() ? "" : ", ", criterion.label);
  }
  std::string text;
  if (!counted.empty()) {
    absl::StrAppend(&text, de ? "Berücksichtigte Kriterien: " : "Criteria that count: ", counted,
                    ".");
  }
  if (!unverified.empty()) {
    absl::StrAppend(&text, text.empty() ? "" : " ",
                    de ? "Noch nicht geprüft und daher nicht berücksichtigt: "
                       : "Not yet verified, so not counted: ",
                    unverified, ".");
  }
  if (!rejected.empty()) {
    absl::StrAppend(&text, text.empty() ? "" : " ",
                    de ? "Nicht anerkannt: " : "Not accepted: ", rejected, ".");
  }
  return text;
}

}  // namespace stadt::daycare::season
