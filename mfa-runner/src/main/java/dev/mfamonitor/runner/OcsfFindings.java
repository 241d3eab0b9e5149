package dev.mfamonitor.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.MfaStatus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code check --format ocsf}: one OCSF 1.3.0 Detection Finding (class 2004) per account without MFA or with weak
 * MFA, one JSON object a line, as log pipelines and Amazon Security Lake ingest them.
 *
 * <p>Times are epoch milliseconds ({@code timestamp_t}). A finding's {@code finding_info.uid} is a hash of the monitor,
 * the account id and the kind of finding, so the same finding keeps its id from one check to the next and a SIEM can
 * update it rather than pile up copies. Every text is the cleaned text of {@link CheckCommand.Row}, and Jackson
 * escapes it for JSON.
 */
final class OcsfFindings {
    static final String SCHEMA_VERSION = "1.3.0";
    static final int CATEGORY_FINDINGS = 2;
    static final int CLASS_DETECTION_FINDING = 2004;
    static final int ACTIVITY_CREATE = 1;
    static final int SEVERITY_MEDIUM = 3;
    static final int SEVERITY_HIGH = 4;
    static final int SEVERITY_CRITICAL = 5;
    static final int STATUS_NEW = 1;
    static final int STATUS_SUPPRESSED = 3;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OcsfFindings() {
    }

    /** The finding of one account, if it has one: MFA disabled, or enabled but weak (SMS, a virtual root device). */
    static Optional<ObjectNode> finding(CheckCommand.Row row, boolean privileged, Instant now, String productVersion) {
        boolean missing = row.mfa() == MfaStatus.DISABLED;
        boolean weak = row.mfa() == MfaStatus.ENABLED && row.weakMfa();
        if (!missing && !weak) {
            return Optional.empty();
        }
        int severity = missing ? privileged ? SEVERITY_CRITICAL : SEVERITY_HIGH : SEVERITY_MEDIUM;
        String kind = missing ? "mfa-missing" : "mfa-weak";
        String who = row.name() + " (" + row.kind() + (row.role().isEmpty() ? "" : ", " + row.role()) + ")";
        String title = (missing ? "MFA is not enabled for " : "Only weak MFA protects ") + who + " in " + row.service()
                + " (monitor " + row.monitor() + ")";

        ObjectNode event = MAPPER.createObjectNode();
        event.put("activity_id", ACTIVITY_CREATE);
        event.put("activity_name", "Create");
        event.put("category_uid", CATEGORY_FINDINGS);
        event.put("category_name", "Findings");
        event.put("class_uid", CLASS_DETECTION_FINDING);
        event.put("class_name", "Detection Finding");
        event.put("type_uid", CLASS_DETECTION_FINDING * 100 + ACTIVITY_CREATE);
        event.put("type_name", "Detection Finding: Create");
        event.put("severity_id", severity);
        event.put("severity", severityName(severity));
        event.put("time", now.toEpochMilli());
        event.put("message", title);
        event.put("is_alert", row.exception().isEmpty());
        if (row.exception().isPresent()) {
            event.put("status_id", STATUS_SUPPRESSED);
            event.put("status", "Suppressed");
            event.put("status_detail", "exception: " + row.exception().get());
        } else {
            event.put("status_id", STATUS_NEW);
            event.put("status", "New");
        }

        ObjectNode metadata = event.putObject("metadata");
        metadata.put("version", SCHEMA_VERSION);
        ObjectNode product = metadata.putObject("product");
        product.put("name", "mfa-monitor");
        product.put("vendor_name", "mfa-monitor");
        product.put("version", productVersion);

        ObjectNode info = event.putObject("finding_info");
        info.put("uid", uid(row.monitor(), row.id(), kind));
        info.put("title", title);
        info.put("desc", missing
                ? "The account can sign in without a second factor. Enable MFA for it, or record an exception with a reason."
                : "The account's second factor is weak (SMS or a virtual device where hardware is expected). Move it to "
                + "an authenticator app or a security key.");
        info.putArray("types").add(missing ? "MFA not enabled" : "Weak MFA");
        info.put("product_uid", row.monitor());

        ObjectNode resource = event.putArray("resources").addObject();
        resource.put("uid", row.id());
        resource.put("name", row.name());
        resource.put("type", row.kind());
        ObjectNode data = resource.putObject("data");
        data.put("monitor", row.monitor());
        data.put("service", row.service());
        if (!row.scope().isEmpty()) {
            data.put("scope", row.scope());
        }
        data.put("mfa", row.mfa().configName());
        data.put("weakMfa", row.weakMfa());
        ObjectNode facts = data.putObject("facts");
        row.facts().forEach(facts::put);
        return Optional.of(event);
    }

    /** One finding a line. */
    static String lines(List<ObjectNode> findings) {
        StringBuilder out = new StringBuilder();
        for (ObjectNode finding : findings) {
            out.append(finding.toString()).append('\n');
        }
        return out.toString();
    }

    static String severityName(int id) {
        return switch (id) {
            case SEVERITY_MEDIUM -> "Medium";
            case SEVERITY_HIGH -> "High";
            case SEVERITY_CRITICAL -> "Critical";
            default -> "Unknown";
        };
    }

    /** A stable id: SHA-256 of monitor, account id and kind, separated by NUL (which cleaned text never holds). */
    static String uid(String monitor, String accountId, String kind) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha.digest((monitor + '\0' + accountId + '\0' + kind).getBytes(StandardCharsets.UTF_8));
            return "mfa-monitor:" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
