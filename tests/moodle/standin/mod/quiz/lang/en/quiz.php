<?php
$string['pluginname'] = 'Quiz';
