package dev.mfamonitor.monitor.aws;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IAM's credential report, read by column name. A column the monitor needs that is missing, or a value it does not
 * know, fails the whole report: a format change must be seen, never coerced into "no MFA" or "MFA".
 *
 * @param rows one per IAM user, plus the root's
 */
record CredentialReport(List<Row> rows) {
    static final String ROOT_USER = "<root_account>";
    static final List<String> REQUIRED = List.of("user", "arn", "user_creation_time", "password_enabled", "password_last_used",
            "mfa_active", "access_key_1_active", "access_key_1_last_used_date", "access_key_2_active",
            "access_key_2_last_used_date");
    private static final Set<String> NO_DATE = Set.of("N/A", "no_information", "not_supported");
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):(root|user/.+)");

    /** How the report says whether a console password exists. */
    enum Password { ENABLED, DISABLED, NOT_SUPPORTED }

    /**
     * One row.
     *
     * @param user             the user name, {@code <root_account>} for the root
     * @param arn              the user's (or root's) ARN
     * @param accountId        the account id from the ARN
     * @param createdAt        {@code user_creation_time} exactly as written: part of the identity
     * @param password         {@code password_enabled}
     * @param passwordLastUsed a time, or empty for N/A, no_information, not_supported
     * @param mfaActive        {@code mfa_active}
     * @param activeKeys       how many of the two access keys are active
     * @param keyLastUsed      the later of the keys' last-use times
     */
    record Row(String user, String arn, String accountId, String createdAt, Password password, Optional<String> passwordLastUsed,
               boolean mfaActive, int activeKeys, Optional<String> keyLastUsed) {
        boolean root() {
            return user.equals(ROOT_USER);
        }
    }

    /** Thrown for a report that cannot be read as it is; the message says where and what. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    static CredentialReport parse(byte[] content) throws FormatException {
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true).get();
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            Map<String, Integer> header = new HashMap<>();
            parser.getHeaderMap().forEach((name, index) -> header.put(name.trim(), index));
            List<String> missing = REQUIRED.stream().filter(c -> !header.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                throw new FormatException("the credential report has no column " + String.join(", ", missing)
                        + " (columns: " + String.join(",", parser.getHeaderNames()) + "); the report format may have changed");
            }
            for (CSVRecord record : parser) {
                rows.add(row(record, header));
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new FormatException("the credential report is not readable CSV: " + e.getMessage());
        }
        if (rows.stream().noneMatch(Row::root)) {
            throw new FormatException("the credential report has no " + ROOT_USER + " row");
        }
        return new CredentialReport(List.copyOf(rows));
    }

    private static Row row(CSVRecord record, Map<String, Integer> header) throws FormatException {
        long line = record.getRecordNumber() + 1;
        if (record.size() < header.size()) {
            throw new FormatException("the credential report's line " + line + " has " + record.size() + " fields, the header "
                    + header.size());
        }
        String user = value(record, header, "user");
        String arn = value(record, header, "arn");
        Matcher m = ARN.matcher(arn);
        if (user.isEmpty() || !m.matches() || m.group(2).equals("root") != user.equals(ROOT_USER)) {
            throw bad(line, "arn", arn, "the ARN of an IAM user or of the root");
        }
        String created = value(record, header, "user_creation_time");
        time(line, "user_creation_time", created, false);
        boolean root = user.equals(ROOT_USER);
        String passwordText = value(record, header, "password_enabled").toLowerCase(Locale.ROOT);
        Password password = switch (passwordText) {
            case "true" -> Password.ENABLED;
            case "false" -> Password.DISABLED;
            case "not_supported" -> {
                if (!root) {
                    throw bad(line, "password_enabled", passwordText, "true or false");
                }
                yield Password.NOT_SUPPORTED;
            }
            default -> throw bad(line, "password_enabled", passwordText, root ? "true, false or not_supported" : "true or false");
        };
        Optional<String> passwordLastUsed = time(line, "password_last_used", value(record, header, "password_last_used"), true);
        boolean mfa = bool(line, "mfa_active", value(record, header, "mfa_active"));
        int keys = (bool(line, "access_key_1_active", value(record, header, "access_key_1_active")) ? 1 : 0)
                + (bool(line, "access_key_2_active", value(record, header, "access_key_2_active")) ? 1 : 0);
        Optional<String> key1 = time(line, "access_key_1_last_used_date", value(record, header, "access_key_1_last_used_date"), true);
        Optional<String> key2 = time(line, "access_key_2_last_used_date", value(record, header, "access_key_2_last_used_date"), true);
        Optional<String> keyLastUsed = key1.isEmpty() ? key2 : key2.isEmpty() ? key1
                : Optional.of(OffsetDateTime.parse(key1.get()).isAfter(OffsetDateTime.parse(key2.get())) ? key1.get() : key2.get());
        return new Row(user, arn, m.group(1), created, password, passwordLastUsed, mfa, keys, keyLastUsed);
    }

    private static String value(CSVRecord record, Map<String, Integer> header, String column) {
        return record.get(header.get(column)).trim();
    }

    private static boolean bool(long line, String column, String text) throws FormatException {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(line, column, text, "true or false");
        };
    }

    private static Optional<String> time(long line, String column, String text, boolean mayBeAbsent) throws FormatException {
        if (mayBeAbsent && NO_DATE.contains(text)) {
            return Optional.empty();
        }
        try {
            OffsetDateTime.parse(text);
            return Optional.of(text);
        } catch (DateTimeParseException e) {
            throw bad(line, column, text, mayBeAbsent ? "a time such as 2026-11-29T08:00:00+00:00, N/A, no_information or not_supported"
                    : "a time such as 2026-11-29T08:00:00+00:00");
        }
    }

    private static FormatException bad(long line, String column, String value, String expected) {
        return new FormatException("the credential report's line " + line + " has '" + value + "' in column " + column
                + ", expected " + expected + "; the report format may have changed");
    }
}
