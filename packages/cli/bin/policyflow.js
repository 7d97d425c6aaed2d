#!/usr/bin/env node
// The installed command. It loads the compiled CLI; this file exists before any build, so package managers
// can link the bin at install time (a bin pointing into dist/ cannot be linked in a fresh workspace).
import '../dist/bin.js';
