package dev.mfamonitor.testkit.aws;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One AWS account as the fake endpoint serves it: its IAM users, its root, its credential report and the failures
 * scripted for it. Thread-safe: every method synchronises on the account.
 */
public final class FakeAwsAccount {
    /** The credential report's columns, in AWS's order. */
    public static final String REPORT_HEADER = "user,arn,user_creation_time,password_enabled,password_last_used,"
            + "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
            + "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
            + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,"
            + "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    private static final DateTimeFormatter REPORT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

    private final String id;
    private final String name;
    private final Instant createdAt;
    private final Map<String, FakeIamUser> users = new LinkedHashMap<>();
    private String rootPasswordEnabled = "not_supported";
    private FakeIamUser.Mfa rootMfa = FakeIamUser.Mfa.NONE;
    private boolean rootAccessKeyActive;
    private boolean denyAssumeRole;
    private final Set<String> denied = new HashSet<>();
    private final Map<String, Deque<AwsError>> scripted = new HashMap<>();
    private int generationPolls;
    private int pollsLeft = -1;
    private Instant reportGeneratedAt = Instant.parse("2026-11-29T08:00:00Z");
    private String rawReport;

    FakeAwsAccount(String id, String name, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public synchronized FakeAwsAccount addUser(FakeIamUser user) {
        users.put(user.name(), user);
        return this;
    }

    public synchronized FakeAwsAccount removeUser(String userName) {
        users.remove(userName);
        return this;
    }

    /**
     * The root row: {@code passwordEnabled} as written in the report ({@code not_supported} as AWS writes it for a
     * root with a password, {@code false} for a root whose credentials were removed centrally).
     */
    public synchronized FakeAwsAccount root(String passwordEnabled, FakeIamUser.Mfa mfa, boolean accessKeyActive) {
        this.rootPasswordEnabled = passwordEnabled;
        this.rootMfa = mfa;
        this.rootAccessKeyActive = accessKeyActive;
        return this;
    }

    /** GenerateCredentialReport answers STARTED, then INPROGRESS {@code polls - 1} times, then COMPLETE. */
    public synchronized FakeAwsAccount reportNeedsPolls(int polls) {
        this.generationPolls = polls;
        return this;
    }

    public synchronized FakeAwsAccount reportGeneratedAt(Instant at) {
        this.reportGeneratedAt = at;
        return this;
    }

    /** Serves this text (before base64) as the report instead of one built from the users. */
    public synchronized FakeAwsAccount rawReport(String csv) {
        this.rawReport = csv;
        return this;
    }

    /** AssumeRole into this account answers AccessDenied. */
    public synchronized FakeAwsAccount denyAssumeRole() {
        this.denyAssumeRole = true;
        return this;
    }

    /** Every call of {@code action} in this account answers AccessDenied, naming the action. */
    public synchronized FakeAwsAccount deny(String action) {
        denied.add(action);
        return this;
    }

    /** The next {@code times} calls of {@code action} in this account answer {@code error}. */
    public synchronized FakeAwsAccount failNext(String action, AwsError error, int times) {
        Deque<AwsError> queue = scripted.computeIfAbsent(action, a -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(error);
        }
        return this;
    }

    public synchronized List<FakeIamUser> users() {
        return List.copyOf(users.values());
    }

    synchronized Optional<FakeIamUser> user(String userName) {
        return Optional.ofNullable(users.get(userName));
    }

    synchronized boolean assumeRoleDenied() {
        return denyAssumeRole;
    }

    synchronized Optional<AwsError> takeFailure(String action) {
        if (denied.contains(action)) {
            return Optional.of(AwsError.ACCESS_DENIED);
        }
        Deque<AwsError> queue = scripted.get(action);
        return queue == null || queue.isEmpty() ? Optional.empty() : Optional.of(queue.poll());
    }

    /** STARTED, INPROGRESS or COMPLETE, advancing the generation by one poll. */
    synchronized String generate() {
        if (pollsLeft < 0) {
            pollsLeft = generationPolls;
            return generationPolls == 0 ? "COMPLETE" : "STARTED";
        }
        if (pollsLeft > 0) {
            pollsLeft--;
        }
        return pollsLeft == 0 ? "COMPLETE" : "INPROGRESS";
    }

    /** Empty while the report is not ready; throws REPORT_NOT_PRESENT when it was never generated. */
    synchronized Optional<AwsError> reportProblem() {
        if (pollsLeft < 0) {
            return Optional.of(AwsError.REPORT_NOT_PRESENT);
        }
        return pollsLeft == 0 ? Optional.empty() : Optional.of(AwsError.REPORT_IN_PROGRESS);
    }

    synchronized Instant reportGeneratedAt() {
        return reportGeneratedAt;
    }

    /** The virtual devices, user ARN to serial number, root included; in a stable order. */
    synchronized List<String[]> virtualDevices() {
        List<String[]> devices = new ArrayList<>();
        if (rootMfa == FakeIamUser.Mfa.VIRTUAL) {
            devices.add(new String[] {"arn:aws:iam::" + id + ":mfa/root-account-mfa-device", "arn:aws:iam::" + id + ":root", id, ""});
        }
        for (FakeIamUser user : users.values()) {
            if (user.mfa() == FakeIamUser.Mfa.VIRTUAL) {
                devices.add(new String[] {"arn:aws:iam::" + id + ":mfa/" + user.name(), user.arn(id), user.userId(), user.name()});
            }
        }
        return devices;
    }

    synchronized String reportCsv() {
        if (rawReport != null) {
            return rawReport;
        }
        StringBuilder csv = new StringBuilder(REPORT_HEADER).append('\n');
        csv.append("<root_account>,arn:aws:iam::").append(id).append(":root,").append(REPORT_TIME.format(createdAt))
                .append(',').append(rootPasswordEnabled).append(",no_information,not_supported,not_supported,")
                .append(rootMfa != FakeIamUser.Mfa.NONE).append(',').append(rootAccessKeyActive)
                .append(",N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n");
        for (FakeIamUser user : users.values()) {
            String lastUsed = user.passwordLastUsed().map(REPORT_TIME::format)
                    .orElse(user.consolePassword() ? "no_information" : "N/A");
            csv.append(user.name()).append(',').append(user.arn(id)).append(',').append(REPORT_TIME.format(user.createdAt()))
                    .append(',').append(user.consolePassword()).append(',').append(lastUsed)
                    .append(user.consolePassword() ? ",2026-01-01T00:00:00+00:00" : ",N/A").append(",N/A,")
                    .append(user.mfa() != FakeIamUser.Mfa.NONE).append(',').append(user.accessKeyActive())
                    .append(user.accessKeyActive() ? ",2026-01-01T00:00:00+00:00,2026-11-28T10:00:00+00:00,us-east-1,s3" : ",N/A,N/A,N/A,N/A")
                    .append(",false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n");
        }
        return csv.toString();
    }
}
