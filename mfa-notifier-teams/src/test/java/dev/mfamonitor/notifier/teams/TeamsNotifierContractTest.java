package dev.mfamonitor.notifier.teams;

import dev.mfamonitor.spi.Notifier;
import dev.mfamonitor.testkit.NetworkNotifierContract;
import dev.mfamonitor.testkit.teams.FakeTeams;
import dev.mfamonitor.testkit.teams.FakeTeams.Reply;
import org.junit.jupiter.api.AfterEach;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Teams notifier, created from configuration like the runner does, against the notifier contract; every card the
 * contract's tests make is checked against the Adaptive Card schema.
 */
class TeamsNotifierContractTest extends NetworkNotifierContract {
    /** Canaries as the workflow id and the signature of the webhook URL. */
    static final String WORKFLOW_CANARY = "c0ffee00canaryWORKFLOWid0123456789";
    static final String SIG_CANARY = "canarySIG/+\"0123456789abcdefXYZ";

    private final FakeTeams teams = FakeTeams.start(WORKFLOW_CANARY, SIG_CANARY.replace("/", "_").replace("+", "-")
            .replace("\"", "Q"));

    @AfterEach
    void everyCardIsValidAndTheFakeStops() {
        try {
            TeamsTestSupport.assertEveryCardValid(teams);
        } finally {
            teams.close();
        }
    }

    @Override
    protected List<String> secrets() {
        return List.of(teams.webhookUrl());
    }

    @Override
    protected Notifier createNotifier() {
        return TeamsTestSupport.create(TeamsTestSupport.config(teams, Map.of()), context());
    }

    /** What the channel shows: the text of each posted card's TextBlocks. */
    @Override
    protected List<String> deliveredMessages() {
        return teams.receivedTexts();
    }

    /** Names are in double quotes, escaped for Adaptive Card markdown. */
    @Override
    protected String rendered(String accountName) {
        return '"' + TeamsMarkdown.escape(accountName.replace('"', '\uFF02')) + '"';
    }

    /** A Teams message holds about 28 KB. */
    @Override
    protected int maxMessageChars() {
        return FakeTeams.MAX_MESSAGE_BYTES;
    }

    @Override
    protected void channelIsDown() {
        teams.close();
    }

    @Override
    protected void channelAnswers(int status, String body, Optional<String> retryAfter) {
        Reply reply = Reply.raw(status, body);
        teams.answerEveryRequestWith(retryAfter.map(r -> reply.withHeader("Retry-After", r)).orElse(reply));
    }

    @Override
    protected void channelNeverAnswers() {
        teams.answerEveryRequestWith(Reply.noAnswer());
    }
}
