package dev.mfamonitor.runner;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.spi.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Reads the YAML configuration file into a {@link Configuration}. */
final class ConfigFile {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigFile() {
    }

    /**
     * @throws ConfigException when the file is missing, not YAML, or not a valid configuration; the message names the
     *                         file, the line where YAML is broken, and the key
     */
    static Configuration load(Path file, UnaryOperator<String> environment) {
        Path absolute = file.toAbsolutePath().normalize();
        String name = absolute.toString();
        JsonNode node;
        try {
            node = YAML.readTree(Files.readAllBytes(absolute));
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + name + " does not exist; pass the right path with --config");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
            throw new ConfigException("configuration file " + name + " is not valid YAML" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + name + ": " + e.getMessage());
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new ConfigException("configuration file " + name + " is empty; see examples/quickstart/mfa-monitor.yaml");
        }
        Object tree = YAML.convertValue(node, Object.class);
        return Configuration.fromTree(tree, name, absolute.getParent(), environment);
    }
}
