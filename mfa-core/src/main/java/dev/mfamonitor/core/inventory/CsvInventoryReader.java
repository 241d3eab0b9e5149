package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Account;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the CSV form, as spreadsheets export it:
 *
 * <pre>
 * id,name,mfa,kind
 * 1,alice,enabled,user
 * 2,"Doe, Jane",disabled,admin
 * </pre>
 *
 * <p>The first line names the columns {@code id}, {@code name}, {@code mfa} and optionally {@code kind}, in any order
 * and any case. Values are trimmed; an empty {@code kind} means {@code user}. Blank lines are skipped. Records are
 * read one at a time from the stream: only the accounts are kept.
 */
final class CsvInventoryReader {
    private static final List<String> REQUIRED = List.of("id", "name", "mfa");
    private static final Set<String> KNOWN = Set.of("id", "name", "mfa", "kind");
    private static final String COLUMNS_TEXT = "the header needs id, name and mfa, and may have kind";

    private CsvInventoryReader() {
    }

    static Inventory read(InventoryText file, TrackedReader input) throws InventoryException {
        CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
        try (CSVParser parser = CSVParser.builder().setReader(input).setFormat(format).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            int lastEndLine = 0;
            if (!next(file, input, records, lastEndLine)) {
                throw file.error("the file is empty; the first line must be the header id,name,mfa (kind optional)");
            }
            CSVRecord headerRecord = records.next();
            Map<String, Integer> columns = columns(file, headerRecord, input.lineOfRecordAt(headerRecord.getCharacterPosition()));
            lastEndLine = (int) parser.getCurrentLineNumber();
            List<Account> accounts = new ArrayList<>();
            while (next(file, input, records, lastEndLine)) {
                CSVRecord record = records.next();
                int line = input.lineOfRecordAt(record.getCharacterPosition());
                lastEndLine = (int) parser.getCurrentLineNumber();
                accounts.add(account(file, columns, record, line));
            }
            return new Inventory(Optional.empty(), accounts);
        } catch (InventoryException e) {
            throw e;
        } catch (IOException e) {
            throw InventoryInput.readError(file, e, "CSV");
        }
    }

    /**
     * {@link Iterator#hasNext()}, which is where commons-csv parses the next record, with its errors turned into ours.
     *
     * @param lastEndLine the line the previous record ended on, so that an error can name the line after it
     */
    private static boolean next(InventoryText file, TrackedReader input, Iterator<CSVRecord> records, int lastEndLine)
            throws InventoryException {
        try {
            return records.hasNext();
        } catch (UncheckedIOException | IllegalStateException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IOException io && InventoryInput.isInputError(io)) {
                throw InventoryInput.readError(file, io, "CSV");
            }
            throw file.error(input.firstNonEmptyLineAfter(lastEndLine), "not valid CSV (" + cause.getMessage()
                    + "); put values with commas, quotes or line breaks in double quotes and double the quotes inside them");
        }
    }

    private static Map<String, Integer> columns(InventoryText file, CSVRecord header, int line) throws InventoryException {
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw file.error(line, "column " + (i + 1) + " has no name; " + COLUMNS_TEXT);
            }
            if (!KNOWN.contains(name)) {
                throw file.error(line, "unknown column '" + file.field("column", header.get(i).trim(), line) + "'; " + COLUMNS_TEXT);
            }
            if (columns.putIfAbsent(name, i) != null) {
                throw file.error(line, "column '" + name + "' appears twice; " + COLUMNS_TEXT);
            }
        }
        for (String required : REQUIRED) {
            if (!columns.containsKey(required)) {
                throw file.error(line, "column '" + required + "' is missing; " + COLUMNS_TEXT);
            }
        }
        return columns;
    }

    private static Account account(InventoryText file, Map<String, Integer> columns, CSVRecord record, int line)
            throws InventoryException {
        if (record.size() != columns.size()) {
            throw file.error(line, "has " + record.size() + (record.size() == 1 ? " value" : " values") + " but the header has "
                    + columns.size() + " columns; put values that contain commas in double quotes");
        }
        Integer kind = columns.get("kind");
        return file.account(record.get(columns.get("id")).trim(), record.get(columns.get("name")).trim(),
                record.get(columns.get("mfa")), line, kind == null ? "" : record.get(kind).trim(), line, line);
    }
}
