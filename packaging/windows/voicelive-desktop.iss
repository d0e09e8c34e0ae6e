; Inno Setup 6 script: the Windows installer for VoiceLive Desktop (the PyInstaller one-folder
; bundle in dist\voicelive-desktop). Built by packaging\windows\build.ps1, or by hand:
;   iscc /DAppVersion=0.1.0 packaging\windows\voicelive-desktop.iss
; Output: dist\VoiceLive-Desktop-<version>-setup.exe
; Installs per user by default (no admin prompt); the wizard offers "all users" too.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "VoiceLive Desktop"
#define AppExe "voicelive-desktop.exe"
#define Root "..\.."

[Setup]
; The AppId identifies the app for upgrades and uninstall: never change it.
AppId={{E56A0CE5-382C-4C07-9EF8-7E1881AAA5A4}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=VoiceLive Desktop developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\dist
OutputBaseFilename=VoiceLive-Desktop-{#AppVersion}-setup
SetupIconFile={#Root}\resources\icons\voicelive-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running copy before its files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Root}\dist\voicelive-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\{#AppName} (offline demo)"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; Settings and logs (%APPDATA%, %LOCALAPPDATA%) and the API key in Windows Credential Manager
; are the user's and stay after uninstall, so a reinstall picks up where they left off.
