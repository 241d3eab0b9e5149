package dev.mfamonitor.notifier.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.ChangeEvent;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.Notification;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON bodies of one notification, version {@value #SCHEMA_VERSION}; the schema ships as
 * {@code dev/mfamonitor/notifier/webhook/mfa-webhook-v1.schema.json} and the module's README documents it.
 *
 * <p>Events keep the order of the notification, which is the order they occurred in (oldest first), so that a receiver
 * that applies them in order ends where the source is; they are never sorted by severity here.
 *
 * <p>A notification with more events than fit one request is cut, in order, into parts. Each part carries its own
 * delivery id: the notification's id when there is one part, else the notification's id with {@code _pNofM} appended.
 * The same events cut the same way give the same ids in every run, so receivers can drop repeats by id.
 */
final class WebhookPayload {
    static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookPayload() {
    }

    /** One request's worth: its delivery id (sent as {@code webhook-id}) and its exact body bytes. */
    record Part(String deliveryId, int index, int count, int events, byte[] body) {
    }

    /**
     * The parts of a notification, each with at most {@code maxEventsPerRequest} events.
     *
     * @throws IllegalArgumentException when {@code maxEventsPerRequest} is less than 1
     */
    static List<Part> parts(Notification notification, int maxEventsPerRequest) {
        if (maxEventsPerRequest < 1) {
            throw new IllegalArgumentException("maxEventsPerRequest must be at least 1");
        }
        List<ChangeEvent> events = notification.events();
        int count = (events.size() + maxEventsPerRequest - 1) / maxEventsPerRequest;
        List<String> monitors = List.copyOf(new TreeSet<>(events.stream().map(ChangeEvent::monitorId).toList()));
        List<Part> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<ChangeEvent> slice = events.subList(i * maxEventsPerRequest,
                    Math.min(events.size(), (i + 1) * maxEventsPerRequest));
            // Never a '.' in an id: Standard Webhooks signs "id.timestamp.body", so a dot would make the split ambiguous.
            String deliveryId = count == 1 ? notification.id() : notification.id() + "_p" + (i + 1) + "of" + count;
            parts.add(new Part(deliveryId, i + 1, count, slice.size(),
                    body(notification, deliveryId, i + 1, count, monitors, slice)));
        }
        return List.copyOf(parts);
    }

    private static byte[] body(Notification notification, String deliveryId, int index, int count, List<String> monitors,
                               List<ChangeEvent> events) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("deliveryId", deliveryId);
        root.put("notificationId", notification.id());
        ObjectNode part = root.putObject("part");
        part.put("index", index);
        part.put("count", count);
        part.put("totalEvents", notification.events().size());
        ObjectNode run = root.putObject("run");
        run.put("at", notification.runAt().toString());
        ArrayNode monitorIds = run.putArray("monitors");
        monitors.forEach(monitorIds::add);
        ArrayNode list = root.putArray("events");
        for (ChangeEvent event : events) {
            list.add(event(event));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain JSON nodes always serialises", e);
        }
    }

    private static ObjectNode event(ChangeEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", event.id());
        node.put("type", event.type().name());
        node.put("title", event.type().words());
        node.put("severity", event.severity().name());
        node.put("monitor", event.monitorId());
        node.put("service", event.service());
        Optional<Account> account = event.account();
        if (account.isPresent()) {
            ObjectNode a = node.putObject("account");
            a.put("id", account.get().id());
            a.put("name", account.get().name());
            a.put("kind", account.get().kind());
            a.put("scope", account.get().scope());
            ObjectNode facts = a.putObject("facts");
            new TreeMap<>(account.get().facts()).forEach(facts::put);
        } else {
            node.putNull("account");
        }
        status(node, "previousStatus", event.previous());
        status(node, "currentStatus", event.current());
        node.put("at", event.at().toString());
        node.put("detail", event.detail());
        // For DELIVERY_ABANDONED: the notifier it is about, and the events that notifier was never told.
        if (event.notifierId().isPresent()) {
            node.put("notifierId", event.notifierId().get());
        } else {
            node.putNull("notifierId");
        }
        ArrayNode carried = node.putArray("carried");
        event.carried().forEach(inner -> carried.add(event(inner)));
        return node;
    }

    private static void status(ObjectNode node, String field, Optional<MfaStatus> status) {
        if (status.isPresent()) {
            node.put(field, status.get().name());
        } else {
            node.putNull(field);
        }
    }
}
