import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTheme } from '../theme.js';

/**
 * A bordered pane of exactly `width` × `height`, title on the first inner line. The focused pane has a double
 * border, so focus reads without colour too.
 */
export function Frame({
  width,
  height,
  title,
  focused,
  children,
}: {
  width: number;
  height: number;
  title: ReactNode;
  focused: boolean;
  children?: ReactNode;
}) {
  const theme = useTheme();
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      flexShrink={0}
      borderStyle={focused ? 'double' : 'single'}
      borderColor={focused ? theme.focus : theme.border}
    >
      <Text wrap="truncate" bold>
        {title}
      </Text>
      {children}
    </Box>
  );
}

export function Empty({ text }: { text: string }) {
  return (
    <Text wrap="truncate" dimColor>
      {text}
    </Text>
  );
}
