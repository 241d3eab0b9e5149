package dev.mfamonitor.core;

/** Stands for an engine class in the build check's own test (ModuleBoundaryTest): not the engine. */
public final class EngineClass {
}
