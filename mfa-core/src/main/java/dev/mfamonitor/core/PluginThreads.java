package dev.mfamonitor.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Threads that run one plugin with its own class loader as the context class loader, as libraries inside a plugin
 * (ServiceLoader users, JAXB, SDK client builders) expect. Daemon threads: a plugin that ignores its interrupt at the
 * deadline is abandoned rather than keep the process alive.
 */
final class PluginThreads {
    private PluginThreads() {
    }

    /** One thread for one plugin call, named after the job and the instance. */
    static ExecutorService single(String name, Object plugin) {
        return Executors.newSingleThreadExecutor(factory(name, plugin));
    }

    static ThreadFactory factory(String name, Object plugin) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            thread.setContextClassLoader(plugin.getClass().getClassLoader());
            return thread;
        };
    }
}
