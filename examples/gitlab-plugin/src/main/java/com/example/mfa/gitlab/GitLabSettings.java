package com.example.mfa.gitlab;

import dev.mfamonitor.spi.Secret;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code type: gitlab} monitor's configuration, validated by {@link GitLabMonitorProvider}.
 *
 * @param url     the instance's base URL, without trailing slash
 * @param group   the group whose members are watched (id or full path); empty for every user of the instance
 * @param token   sent as {@code PRIVATE-TOKEN}
 * @param timeout the longest one request may take
 */
record GitLabSettings(URI url, Optional<String> group, Secret token, Duration timeout) {
    GitLabSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** {@code /api/v4/...} under the base URL. */
    URI api(String pathAndQuery) {
        return URI.create(url + "/api/v4" + pathAndQuery);
    }

    /** The group as a path segment: a full path has its slashes encoded, as GitLab's API asks. */
    String encodedGroup() {
        return URLEncoder.encode(group.orElseThrow(), StandardCharsets.UTF_8);
    }

    /** What is watched, for messages and the snapshot's facts. */
    String describeSource() {
        return group.map(g -> "members of group '" + g + "'").orElse("all users") + " of GitLab " + url;
    }
}
