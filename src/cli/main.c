/* argv -> CLI -> exit status; nothing else. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return fl_cli_main(argc, argv);
}
