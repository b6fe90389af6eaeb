#include "cli/steady_main.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/analyze_command.h"
#include "cli/live_commands.h"

namespace steady::cli {

int steady_main(int argc, char** argv) {
    CLI::App app{
        "Steady: HRV biofeedback trainer. Paced breathing with your heart rhythm on screen."};
    app.require_subcommand(1);
    int status = 0;
    add_analyze_command(app, &status);
    add_record_command(app, &status);
    add_sessions_command(app, &status);
    add_scan_command(app, &status);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    } catch (const std::exception& e) {
        std::cerr << "steady: " << e.what() << "\n";
        return 1;
    }
    return status;
}

}  // namespace steady::cli
