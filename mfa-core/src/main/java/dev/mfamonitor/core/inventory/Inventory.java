package dev.mfamonitor.core.inventory;

import dev.mfamonitor.spi.Account;

import java.util.List;
import java.util.Optional;

/**
 * What one inventory file says.
 *
 * @param service  the service the file names, if it names one (YAML's {@code service:})
 * @param accounts the accounts, in file order, ids unique
 */
record Inventory(Optional<String> service, List<Account> accounts) {
    Inventory {
        accounts = List.copyOf(accounts);
    }
}
