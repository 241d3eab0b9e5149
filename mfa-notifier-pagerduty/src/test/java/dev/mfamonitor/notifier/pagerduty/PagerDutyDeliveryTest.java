package dev.mfamonitor.notifier.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.DeliveryResult;
import dev.mfamonitor.spi.EventType;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Severity;
import dev.mfamonitor.testkit.NotifierContract;
import dev.mfamonitor.testkit.pagerduty.FakePagerDuty;
import dev.mfamonitor.testkit.pagerduty.FakePagerDuty.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mfamonitor.testkit.NotifierContract.SAMPLE_TIME;
import static dev.mfamonitor.testkit.NotifierContract.accountEvent;
import static dev.mfamonitor.testkit.NotifierContract.notificationOf;
import static dev.mfamonitor.testkit.NotifierContract.sourceEvent;
import static org.assertj.core.api.Assertions.assertThat;

/** What PagerDuty is sent for each kind of event, and how its answers are read, against the fake Events API. */
class PagerDutyDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Account CAROL = new Account("1001", "carol", "member", MfaStatus.DISABLED, "",
            Map.of("role", "admin"));

    private final FakePagerDuty pagerDuty = FakePagerDuty.start(PagerDutyTestSupport.ROUTING_KEY);
    private final List<PagerDutyNotifier> notifiers = new ArrayList<>();

    @AfterEach
    void stop() {
        notifiers.forEach(PagerDutyNotifier::close);
        pagerDuty.close();
    }

    private PagerDutyNotifier notifier(Map<String, ?> extra) {
        PagerDutyNotifier notifier = PagerDutyTestSupport.create(pagerDuty, extra);
        notifiers.add(notifier);
        return notifier;
    }

    private DeliveryResult send(PagerDutyNotifier notifier, ChangeEvent... events) {
        return notifier.send(notificationOf(List.of(events)));
    }

    private static ChangeEvent withSeverity(ChangeEvent event, Severity severity) {
        return new ChangeEvent(event.id(), event.type(), severity, event.monitorId(), event.service(), event.account(),
                event.previous(), event.current(), event.at(), event.detail(), event.notifierId(), event.carried());
    }

    private static Account member(String id, String name, MfaStatus mfa) {
        return new Account(id, name, "member", mfa);
    }

    @Test
    void mfaDisabledTriggersTheAccountsIncidentAndMfaEnabledResolvesItWithTheSameKey() throws Exception {
        PagerDutyNotifier notifier = notifier(Map.of());
        String key = IncidentMapping.accountKey("github-acme", "1001");
        ChangeEvent disabled = withSeverity(accountEvent("github-acme", "github", EventType.MFA_DISABLED, CAROL,
                Optional.of(MfaStatus.ENABLED)), Severity.CRITICAL);

        assertThat(send(notifier, disabled)).isEqualTo(DeliveryResult.delivered());

        JsonNode trigger = pagerDuty.acceptedEvents().get(0);
        assertThat(trigger).isEqualTo(JSON.readTree("""
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
                 "payload":{"summary":"MFA disabled: \\"carol\\" (member, admin) of github-acme (github)",
                            "source":"github-acme","severity":"critical","timestamp":"2026-03-02T09:00:00Z",
                            "component":"github","group":"github-acme","class":"MFA_DISABLED",
                            "custom_details":{"event_id":"%s","type":"MFA_DISABLED","title":"MFA disabled",
                                              "severity":"CRITICAL","monitor":"github-acme","service":"github",
                                              "account":{"id":"1001","name":"carol","kind":"member","scope":"",
                                                         "facts":{"role":"admin"}},
                                              "previous_status":"ENABLED","current_status":"DISABLED"}},
                 "client":"mfa-monitor"}
                """.formatted(PagerDutyTestSupport.ROUTING_KEY, key, disabled.id())));
        assertThat(pagerDuty.openAlerts()).containsOnlyKeys(key);
        assertThat(pagerDuty.requests().get(0).contentType()).isEqualTo("application/json");
        assertThat(pagerDuty.requests().get(0).path()).isEqualTo("/v2/enqueue");

        assertThat(send(notifier, accountEvent("github-acme", "github", EventType.MFA_ENABLED,
                CAROL.withMfa(MfaStatus.ENABLED), Optional.of(MfaStatus.DISABLED)))).isEqualTo(DeliveryResult.delivered());

        assertThat(pagerDuty.acceptedEvents().get(1)).isEqualTo(JSON.readTree("""
                {"routing_key":"%s","event_action":"resolve","dedup_key":"%s"}
                """.formatted(PagerDutyTestSupport.ROUTING_KEY, key)));
        assertThat(pagerDuty.openAlerts()).isEmpty();
        assertThat(pagerDuty.alerts().get(key).resolved()).isTrue();
        assertThat(key).matches("mfa-[0-9a-f]{40}").doesNotContain("1001");
    }

    @Test
    void everyWayAnIncidentEndsResolvesTheKeyItsTriggerOpened() {
        PagerDutyNotifier notifier = notifier(Map.of());
        Account a = member("1", "a", MfaStatus.DISABLED);
        Account b = member("2", "b", MfaStatus.DISABLED);
        Account c = new Account("3", "c", "member", MfaStatus.ENABLED, "", Map.of("weakMfa", "true"));

        send(notifier, accountEvent("hr", "inventory", EventType.MFA_DISABLED, a, Optional.of(MfaStatus.ENABLED)),
                accountEvent("hr", "inventory", EventType.NEW_ACCOUNT_WITHOUT_MFA, b, Optional.empty()),
                accountEvent("hr", "inventory", EventType.WEAK_MFA, c, Optional.empty()));
        assertThat(pagerDuty.openAlerts()).containsOnlyKeys(IncidentMapping.accountKey("hr", "1"),
                IncidentMapping.accountKey("hr", "2"), IncidentMapping.accountKey("hr", "3"));

        send(notifier, accountEvent("hr", "inventory", EventType.MFA_NOT_REQUIRED, a.withMfa(MfaStatus.NOT_APPLICABLE),
                        Optional.of(MfaStatus.DISABLED)),
                accountEvent("hr", "inventory", EventType.ACCOUNT_REMOVED, b, Optional.of(MfaStatus.DISABLED)),
                accountEvent("hr", "inventory", EventType.ACCOUNT_REMOVED, c, Optional.of(MfaStatus.ENABLED)));

        assertThat(pagerDuty.openAlerts()).isEmpty();
        assertThat(pagerDuty.alerts()).hasSize(3).allSatisfy((key, alert) -> assertThat(alert.resolved()).isTrue());
    }

    @Test
    void mfaEnabledWithOnlyAWeakSecondFactorKeepsTheIncidentOpenAsWeakMfa() {
        PagerDutyNotifier notifier = notifier(Map.of());
        Account off = member("5", "sam", MfaStatus.DISABLED);
        Account sms = new Account("5", "sam", "member", MfaStatus.ENABLED, "", Map.of("weakMfa", "true"));
        send(notifier, accountEvent("hr", "inventory", EventType.MFA_DISABLED, off, Optional.of(MfaStatus.ENABLED)));

        // As the engine raises them when sam turns on SMS: the bad news of the diff first, then the good.
        send(notifier, accountEvent("hr", "inventory", EventType.WEAK_MFA, sms, Optional.of(MfaStatus.DISABLED)),
                accountEvent("hr", "inventory", EventType.MFA_ENABLED, sms, Optional.of(MfaStatus.DISABLED)));

        String key = IncidentMapping.accountKey("hr", "5");
        assertThat(pagerDuty.openAlerts()).containsOnlyKeys(key);
        assertThat(pagerDuty.alerts().get(key).triggers()).isEqualTo(2);
        assertThat(pagerDuty.alerts().get(key).payload().path("summary").asText())
                .isEqualTo("Weak MFA: \"sam\" (member) of hr (inventory)");
        assertThat(pagerDuty.requests()).hasSize(2);
    }

    @Test
    void severitiesMapCriticalHighMediumLowInfoToCriticalErrorWarningInfoInfo() {
        PagerDutyNotifier notifier = notifier(Map.of());
        List<ChangeEvent> events = new ArrayList<>();
        List<Severity> ours = List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO);
        for (int i = 0; i < ours.size(); i++) {
            events.add(withSeverity(accountEvent("hr", "inventory", EventType.MFA_DISABLED,
                    member(String.valueOf(i), "user" + i, MfaStatus.DISABLED), Optional.of(MfaStatus.ENABLED)), ours.get(i)));
        }

        assertThat(notifier.send(notificationOf(events))).isEqualTo(DeliveryResult.delivered());

        assertThat(pagerDuty.acceptedEvents()).extracting(e -> e.at("/payload/severity").asText())
                .containsExactly("critical", "error", "warning", "info", "info");
    }

    @Test
    void aBaselineOrAReminderSendsNothing() {
        PagerDutyNotifier notifier = notifier(Map.of());

        DeliveryResult result = send(notifier,
                sourceEvent("hr", "inventory", EventType.BASELINE, "baseline",
                        "3 accounts: 2 with MFA, 1 without (alice), 0 not applicable, 0 unknown"),
                accountEvent("hr", "inventory", EventType.REMINDER, member("1", "alice", MfaStatus.DISABLED),
                        Optional.of(MfaStatus.DISABLED)));

        assertThat(result).isEqualTo(DeliveryResult.delivered());
        assertThat(pagerDuty.requests()).isEmpty();
    }

    @Test
    void baselineIncidentsOpensOneIncidentForTheAccountsAlreadyWithoutMfa() {
        PagerDutyNotifier notifier = notifier(Map.of("baselineIncidents", true));

        send(notifier, sourceEvent("hr", "inventory", EventType.BASELINE, "baseline",
                "3 accounts: 2 with MFA, 1 without (alice), 0 not applicable, 0 unknown"));
        send(notifier, sourceEvent("it", "inventory", EventType.BASELINE, "baseline",
                "2 accounts: 2 with MFA, 0 without, 0 not applicable, 0 unknown"));

        assertThat(pagerDuty.acceptedEvents()).singleElement().satisfies(event -> {
            assertThat(event.path("dedup_key").asText()).isEqualTo(IncidentMapping.dedupKey("hr", "baseline"));
            assertThat(event.at("/payload/severity").asText()).isEqualTo("warning");
            assertThat(event.at("/payload/summary").asText()).isEqualTo(
                    "Baseline: hr (inventory): 3 accounts: 2 with MFA, 1 without (alice), 0 not applicable, 0 unknown");
        });
    }

    @Test
    void withheldChangesAndAnExpiredExceptionAreWarningsUnderKeysOfTheirOwn() {
        PagerDutyNotifier notifier = notifier(Map.of());
        Account alice = new Account("7", "alice", "member", MfaStatus.DISABLED);
        ChangeEvent expired = ChangeEvent.builder(EventType.EXCEPTION_EXPIRED, "hr", "inventory", SAMPLE_TIME)
                .id(ChangeEvent.idOf("hr", "exemption:alice", EventType.EXCEPTION_EXPIRED, "2026-03-01"))
                .severity(Severity.HIGH).account(alice).current(MfaStatus.DISABLED)
                .detail("exception for alice (\"contractor\") expired on 2026-03-01; the account is still without MFA").build();

        send(notifier, sourceEvent("hr", "inventory", EventType.CHANGES_WITHHELD, "withheld",
                "40 good-news changes withheld (40 Account removed) of 50 accounts"), expired);

        List<JsonNode> events = pagerDuty.acceptedEvents();
        assertThat(events).extracting(e -> e.path("event_action").asText()).containsExactly("trigger", "trigger");
        assertThat(events).extracting(e -> e.at("/payload/severity").asText()).containsExactly("warning", "warning");
        assertThat(events).extracting(e -> e.path("dedup_key").asText()).containsExactly(
                IncidentMapping.dedupKey("hr", "changes-withheld"), IncidentMapping.dedupKey("hr", "exception-expired", "7"));
        assertThat(events.get(1).path("dedup_key").asText()).isNotEqualTo(IncidentMapping.accountKey("hr", "7"));
        assertThat(events.get(1).at("/payload/summary").asText()).isEqualTo("Exception expired: \"alice\" (member) of hr "
                + "(inventory): exception for alice (\"contractor\") expired on 2026-03-01; the account is still without MFA");
    }

    @Test
    void aRequirementAndAMonitorsHealthAreIncidentsTheirRecoveryResolves() {
        PagerDutyNotifier notifier = notifier(Map.of());

        send(notifier, sourceEvent("github-acme", "github", EventType.REQUIREMENT_DISABLED, "requirement:2fa",
                        "two_factor_requirement: 3 of 40 members have no second factor"),
                sourceEvent("aws-prod", "aws", EventType.MONITOR_FAILED, "monitor", "IAM answered AccessDenied"));
        String requirement = IncidentMapping.dedupKey("github-acme", "requirement", "two_factor_requirement");
        String health = IncidentMapping.dedupKey("aws-prod", "health");
        assertThat(pagerDuty.openAlerts()).containsOnlyKeys(requirement, health);
        assertThat(pagerDuty.acceptedEvents()).extracting(e -> e.at("/payload/severity").asText())
                .containsExactly("error", "warning");

        send(notifier, sourceEvent("github-acme", "github", EventType.REQUIREMENT_ENABLED, "requirement:2fa",
                        "two_factor_requirement"),
                sourceEvent("aws-prod", "aws", EventType.MONITOR_RECOVERED, "monitor", "works again after 2 failed run(s)"));

        assertThat(pagerDuty.openAlerts()).isEmpty();
        assertThat(pagerDuty.acceptedEvents().subList(2, 4)).extracting(e -> e.path("dedup_key").asText())
                .containsExactly(requirement, health);
    }

    @Test
    void beyondMaxIncidentsPerRunTheLargestGroupBecomesOneSummaryIncidentResolvedWhenTheyAllAre() {
        PagerDutyNotifier notifier = notifier(Map.of("maxIncidentsPerRun", 5));
        List<ChangeEvent> bad = new ArrayList<>();
        List<ChangeEvent> good = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            Account account = member(String.valueOf(i), "user" + i, MfaStatus.DISABLED);
            bad.add(accountEvent("hr", "inventory", EventType.MFA_DISABLED, account, Optional.of(MfaStatus.ENABLED)));
            good.add(accountEvent("hr", "inventory", EventType.MFA_ENABLED, account.withMfa(MfaStatus.ENABLED),
                    Optional.of(MfaStatus.DISABLED)));
        }
        bad.add(accountEvent("hr", "inventory", EventType.NEW_ACCOUNT_WITHOUT_MFA, member("20", "new1", MfaStatus.DISABLED),
                Optional.empty()));
        bad.add(accountEvent("hr", "inventory", EventType.NEW_ACCOUNT_WITHOUT_MFA, member("21", "new2", MfaStatus.DISABLED),
                Optional.empty()));
        bad.add(sourceEvent("aws-prod", "aws", EventType.MONITOR_FAILED, "monitor", "IAM answered AccessDenied"));

        assertThat(notifier.send(notificationOf(bad))).isEqualTo(DeliveryResult.delivered());

        String summaryKey = IncidentMapping.dedupKey("hr", "summary", "MFA_DISABLED");
        assertThat(pagerDuty.acceptedEvents()).as("11 events, at most 5 requests: the 8 MFA_DISABLED as one")
                .extracting(e -> e.path("dedup_key").asText())
                .containsExactly(summaryKey, IncidentMapping.accountKey("hr", "20"), IncidentMapping.accountKey("hr", "21"),
                        IncidentMapping.dedupKey("aws-prod", "health"));
        JsonNode summary = pagerDuty.acceptedEvents().get(0).path("payload");
        assertThat(summary.path("summary").asText()).isEqualTo("8 accounts of hr disabled MFA: \"user1\", \"user2\", "
                + "\"user3\", \"user4\", \"user5\", \"user6\", \"user7\", \"user8\"");
        assertThat(summary.path("severity").asText()).isEqualTo("error");
        assertThat(summary.at("/custom_details/count").asInt()).isEqualTo(8);
        assertThat(summary.at("/custom_details/account_ids")).hasSize(8);

        assertThat(notifier.send(notificationOf(good))).isEqualTo(DeliveryResult.delivered());

        assertThat(pagerDuty.alerts().get(summaryKey).resolved()).as("the summary, once all 8 enabled MFA").isTrue();
        assertThat(pagerDuty.openAlerts()).containsOnlyKeys(IncidentMapping.accountKey("hr", "20"),
                IncidentMapping.accountKey("hr", "21"), IncidentMapping.dedupKey("aws-prod", "health"));
    }

    @Test
    void aSummaryOfThousandsStaysWithinPagerDutysLimitsAndSaysHowManyMore() {
        PagerDutyNotifier notifier = notifier(Map.of());
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            events.add(accountEvent("hr", "inventory", EventType.NEW_ACCOUNT_WITHOUT_MFA,
                    member(String.valueOf(i), "a-rather-long-account-name-" + i, MfaStatus.DISABLED), Optional.empty()));
        }

        assertThat(notifier.send(notificationOf(events))).isEqualTo(DeliveryResult.delivered());

        JsonNode payload = pagerDuty.acceptedEvents().get(0).path("payload");
        String summary = payload.path("summary").asText();
        assertThat(pagerDuty.acceptedEvents()).hasSize(1);
        assertThat(summary.length()).isLessThanOrEqualTo(1024);
        assertThat(summary).startsWith("3000 new accounts of hr without MFA: \"a-rather-long-account-name-0\", ")
                .endsWith(" and 2971 more");
        assertThat(payload.at("/custom_details/accounts")).hasSize(50);
        assertThat(payload.at("/custom_details/more").asText()).isEqualTo("and 2950 more");
    }

    @Test
    void aLongDetailAndAHostileNameAreCutAndCleaned() {
        PagerDutyNotifier notifier = notifier(Map.of());
        Account hostile = member("66", "eve\u001b[31m\r\nadmin\u202e", MfaStatus.DISABLED);

        send(notifier, sourceEvent("aws-prod", "aws", EventType.MONITOR_FAILED, "monitor", "x".repeat(5_000)),
                accountEvent("hr", "inventory", EventType.MFA_DISABLED, hostile, Optional.of(MfaStatus.ENABLED)));

        List<JsonNode> events = pagerDuty.acceptedEvents();
        assertThat(events).as("both accepted: PagerDuty refuses a summary over 1,024 characters").hasSize(2);
        assertThat(events.get(0).at("/payload/summary").asText()).hasSize(1024).endsWith("x…");
        assertThat(events.get(1).at("/payload/summary").asText()).isEqualTo("MFA disabled: \"eve[31madmin\" (member) of hr (inventory)");
        assertThat(events.get(1).at("/payload/custom_details/account/name").asText()).isEqualTo("eve[31madmin");
    }

    @Test
    void anInvalidEventIsPermanentNamesTheFieldPagerDutyNamedAndTheOthersStillGo() {
        PagerDutyNotifier notifier = notifier(Map.of());
        pagerDuty.enqueue(Answer.processed(), Answer.invalidEvent("'payload.summary' is too long (maximum 1024 characters)"));

        DeliveryResult result = send(notifier,
                accountEvent("hr", "inventory", EventType.MFA_DISABLED, member("1", "a", MfaStatus.DISABLED), Optional.empty()),
                accountEvent("hr", "inventory", EventType.MFA_DISABLED, member("2", "b", MfaStatus.DISABLED), Optional.empty()),
                accountEvent("hr", "inventory", EventType.MFA_DISABLED, member("3", "c", MfaStatus.DISABLED), Optional.empty()));

        assertThat(result).isEqualTo(DeliveryResult.permanent("notifier 'pager' (type pagerduty): event 2 of 3 (trigger, "
                + "MFA_DISABLED of account id 2 (hr)) was refused: PagerDuty answered 400 'invalid event' (Event object is "
                + "invalid: 'payload.summary' is too long (maximum 1024 characters)); the other 2 event(s) were accepted"));
        assertThat(pagerDuty.openAlerts()).containsOnlyKeys(IncidentMapping.accountKey("hr", "1"),
                IncidentMapping.accountKey("hr", "3"));
    }

    @Test
    void aRoutingKeyPagerDutyDoesNotKnowIsPermanentAndSaysWhatToCheckWithoutTheKey() {
        String other = "0123456789abcdef0123456789abcdef";
        PagerDutyNotifier notifier = PagerDutyTestSupport.create(PagerDutyTestSupport.config(pagerDuty, other, Map.of()),
                PagerDutyTestSupport.context(other));
        notifiers.add(notifier);

        DeliveryResult result = notifier.send(notificationOf(NotifierContract.sampleEvents()));

        assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(((DeliveryResult.Permanent) result).reason())
                .startsWith("notifier 'pager' (type pagerduty): event 1 of 3 (trigger, MFA_DISABLED of account id 1001 "
                        + "(github-acme)) was refused: PagerDuty answered 400 'invalid event' (Event object is invalid: "
                        + "Invalid routing key); check routingKey: the 32-character Integration Key of an Events API v2 "
                        + "integration (and 2 more event(s) refused)")
                .doesNotContain(other);
    }

    @Test
    void aRateLimitStopsTheAttemptAndTheNextTryGoesOnWhereItStopped() {
        PagerDutyNotifier notifier = notifier(Map.of());
        pagerDuty.enqueue(Answer.processed(), Answer.rateLimited(), Answer.rateLimited().withRetryAfter("30"));
        var notification = notificationOf(List.of(
                accountEvent("hr", "inventory", EventType.MFA_DISABLED, member("1", "a", MfaStatus.DISABLED), Optional.empty()),
                accountEvent("hr", "inventory", EventType.MFA_DISABLED, member("2", "b", MfaStatus.DISABLED), Optional.empty()),
                accountEvent("hr", "inventory", EventType.MFA_DISABLED, member("3", "c", MfaStatus.DISABLED), Optional.empty())));

        DeliveryResult first = notifier.send(notification);
        DeliveryResult second = notifier.send(notification);
        DeliveryResult third = notifier.send(notification);

        assertThat(first).isEqualTo(DeliveryResult.retry("notifier 'pager' (type pagerduty): event 2 of 3 (trigger, "
                + "MFA_DISABLED of account id 2 (hr)) failed: PagerDuty answered 429 (more than about 120 events a minute "
                + "for this routing key); 1 of 3 accepted so far, the rest waits for the next try"));
        assertThat(second).isInstanceOfSatisfying(DeliveryResult.Transient.class,
                t -> assertThat(t.retryAfter()).contains(java.time.Duration.ofSeconds(30)));
        assertThat(third).isEqualTo(DeliveryResult.delivered());
        assertThat(pagerDuty.requests()).extracting(FakePagerDuty.Request::status).containsExactly(202, 429, 429, 202, 202);
        assertThat(pagerDuty.alerts()).hasSize(3).allSatisfy((key, alert) -> assertThat(alert.triggers()).isEqualTo(1));
    }

    @Test
    void aServerErrorWithRetryAfterIsTransientAndCarriesIt() {
        PagerDutyNotifier notifier = notifier(Map.of());
        pagerDuty.enqueue(Answer.status(502).withRetryAfter("5"));

        DeliveryResult result = notifier.send(notificationOf(NotifierContract.sampleEvents()));

        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Transient.class, t -> {
            assertThat(t.retryAfter()).contains(java.time.Duration.ofSeconds(5));
            assertThat(t.reason()).contains("PagerDuty answered 502 and asked to retry after 5 s");
        });
    }

    @Test
    void aNotificationWithoutIncidentChangesIsDeliveredWithoutARequest() {
        PagerDutyNotifier notifier = notifier(Map.of());
        pagerDuty.goDown();

        DeliveryResult result = send(notifier, sourceEvent("hr", "inventory", EventType.BASELINE, "baseline", "1 accounts"));

        assertThat(result).isEqualTo(DeliveryResult.delivered());
    }
}
